package dev.soci4j.index;

import dev.soci4j.index.build.BlobPublisher;
import dev.soci4j.index.build.IndexBuilder;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCI index v1 ({@code soci-format.md §4}): {@link #create} builds per-platform indexes whose
 * {@code subject} is the platform image manifest into the local store ({@code soci create});
 * {@link #push} uploads them with their zTOCs ({@code soci push}), the registry's referrers API or
 * the {@code sha256-<hex>} fallback tag making them discoverable. The image itself is not changed.
 */
public final class SociIndexV1 {
    private static final Logger log = LoggerFactory.getLogger(SociIndexV1.class);

    private final RegistryClient client;
    private final IndexStore store;
    private final BuildProgress progress;

    public SociIndexV1(RegistryClient client, IndexStore store, BuildProgress progress) {
        this.client = Objects.requireNonNull(client, "client");
        this.store = Objects.requireNonNull(store, "store");
        this.progress = progress == null ? BuildProgress.NONE : progress;
    }

    /** Builds and stores a v1 index for each selected platform of {@code image}. Nothing is pushed. */
    public List<PlatformIndex> create(ImageLocation image, PlatformSelection platforms, BuildOptions options) throws IOException {
        String name = image.toString();
        try (OpenImage src = OpenImage.open(image, client, false)) {
            ImageResolver.Root root = ImageResolver.root(src.store(), src.sourceReference(), name);
            List<ImageResolver.Selected> selected = ImageResolver.select(src.store(), root, name, platforms);
            IndexBuilder builder = new IndexBuilder(store, options, progress);
            List<PlatformIndex> out = new ArrayList<>();
            for (ImageResolver.Selected sel : selected) {
                Descriptor subject = sel.raw().descriptor();
                BuiltIndex built = builder.build(src.store(), name + " (" + sel.platform() + ")", sel.manifest(), SociVersion.V1, subject);
                store.putIndex(built.manifest(), name, sel.platform().toString(), subject.digest());
                Descriptor soci = new Descriptor(MediaTypes.OCI_MANIFEST, built.manifest().digest(), built.manifest().size(), List.of(),
                        Map.of(), sel.platform(), SociVersion.V1.artifactType());
                out.add(new PlatformIndex(sel.platform(), sel.descriptor(), sel.descriptor(), soci, built.layers()));
                log.atInfo().addKeyValue("image", name).addKeyValue("platform", sel.platform()).addKeyValue("index", built.manifest().digest())
                        .log("created SOCI index v1");
            }
            return out;
        }
    }

    /** What {@link #push} did for one platform. */
    public record Pushed(String platform, Descriptor imageManifest, ArtifactRecord index, Outcome outcome, List<Descriptor> existing) {
        public Pushed {
            existing = List.copyOf(existing);
        }
    }

    public enum Outcome {
        /** Pushed; no other v1 index was there (or it was not checked). */
        PUSHED,
        /** Pushed although the registry already had another v1 index (policy WARN). */
        PUSHED_DESPITE_EXISTING,
        /** Not pushed: the registry already had a v1 index (policy SKIP). */
        SKIPPED_EXISTING
    }

    /**
     * Pushes the stored v1 indexes of each selected platform of {@code image} (a registry image),
     * zTOCs and empty config first, then the index manifest.
     *
     * @throws IndexNotFoundException when a selected platform has no v1 index in the local store
     */
    public List<Pushed> push(ImageReference image, PlatformSelection platforms, ExistingIndexPolicy policy) throws IOException {
        String name = image.toString();
        RegistryImageStore registry = new RegistryImageStore(client, image);
        ImageResolver.Root root = ImageResolver.root(registry, image.manifestReference(), name);
        List<ImageResolver.Selected> selected = ImageResolver.select(registry, root, name, platforms);
        BlobPublisher publisher = new BlobPublisher(registry, client, image);
        List<Pushed> out = new ArrayList<>();
        for (ImageResolver.Selected sel : selected) {
            Descriptor manifest = sel.raw().descriptor();
            ArtifactRecord record = store.indexesFor(manifest.digest()).stream()
                    .filter(r -> SociVersion.V1.artifactType().equals(r.mediaType())).findFirst()
                    .orElseThrow(() -> new IndexNotFoundException("no SOCI index v1 for %s (%s, manifest %s) in the local store %s; run soci create first"
                            .formatted(name, sel.platform(), manifest.digest(), store.root())));
            List<Descriptor> existing = List.of();
            if (policy != ExistingIndexPolicy.ALLOW) {
                ImageIndex referrers = client.listReferrers(image, manifest.digest(), SociVersion.V1.artifactType());
                existing = referrers.manifests().stream().filter(d -> !d.digest().equals(record.digest())).toList();
            }
            if (!existing.isEmpty() && policy == ExistingIndexPolicy.SKIP) {
                log.atInfo().addKeyValue("image", name).addKeyValue("platform", sel.platform()).log("skipped: the registry already has a SOCI index v1");
                out.add(new Pushed(sel.platform().toString(), manifest, record, Outcome.SKIPPED_EXISTING, existing));
                continue;
            }
            if (!existing.isEmpty())
                log.atWarn().addKeyValue("image", name).addKeyValue("platform", sel.platform()).addKeyValue("existing", existing.size())
                        .log("the registry already has a SOCI index v1 for this image; pushing another");
            RawManifest raw = store.readIndex(record.digest());
            SociIndex index = SociIndex.parse(raw);
            List<Descriptor> blobs = new ArrayList<>();
            blobs.add(index.config());
            for (IndexedLayer l : index.layers()) blobs.add(new Descriptor(MediaTypes.SOCI_ZTOC, l.ztoc(), l.ztocSize()));
            publisher.pushStored(store, blobs);
            client.pushManifest(image.withDigest(raw.digest()), raw);
            log.atInfo().addKeyValue("image", name).addKeyValue("platform", sel.platform()).addKeyValue("index", raw.digest()).log("pushed SOCI index v1");
            out.add(new Pushed(sel.platform().toString(), manifest, record,
                    existing.isEmpty() ? Outcome.PUSHED : Outcome.PUSHED_DESPITE_EXISTING, existing));
        }
        return out;
    }
}
