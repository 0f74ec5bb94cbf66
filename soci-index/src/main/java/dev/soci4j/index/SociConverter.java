package dev.soci4j.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.index.build.BlobPublisher;
import dev.soci4j.index.build.IndexBuilder;
import dev.soci4j.index.build.LayerSink;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.ImageCopier;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code soci convert} (SOCI index v2, {@code soci-format.md §4}): builds one SOCI index per selected
 * platform, rewrites those image manifests (OCI media types, {@code com.amazon.soci.index-digest}),
 * and writes a new OCI image index that lists them plus one SOCI index descriptor per indexed
 * platform; other platforms are kept unchanged. A single-manifest image is wrapped in an index,
 * a Docker manifest list becomes an OCI index.
 *
 * <p><b>Order.</b> When the destination is another repository or layout, each layer is uploaded
 * while it streams from the source to be indexed (read once, no copy on disk; a layer goes up only
 * complete and verified). Every index is built (and stored locally) before any manifest is written
 * to the destination, so a failed build leaves no manifest and no tag there, at most unreferenced
 * verified blobs. Then: the image blobs not yet copied (config, skipped layers), zTOCs, the empty
 * config, SOCI index manifests, rewritten image manifests, and the new index, tagged, last: no
 * reader ever sees a manifest whose parts are missing.
 *
 * <p><b>Re-converting.</b> An already converted image is converted from what it was: existing SOCI
 * index descriptors are dropped and {@code com.amazon.soci.index-digest} annotations removed before
 * rebuilding. The JSON is rewritten in place (field order kept, unknown fields kept) and SOCI
 * indexes are deterministic, so converting the output again gives the same digests.
 *
 * <p>Thread-safe if the client and store are; one conversion per call.
 */
public final class SociConverter {
    private static final Logger log = LoggerFactory.getLogger(SociConverter.class);

    private final RegistryClient client;
    private final IndexStore store;
    private final BuildProgress progress;

    public SociConverter(RegistryClient client, IndexStore store, BuildProgress progress) {
        this.client = Objects.requireNonNull(client, "client");
        this.store = Objects.requireNonNull(store, "store");
        this.progress = progress == null ? BuildProgress.NONE : progress;
    }

    private record Converted(ImageResolver.Selected selected, BuiltIndex built, RawManifest rewritten, Descriptor sociDescriptor) {}

    public ConvertResult convert(ConvertRequest request) throws IOException {
        String image = request.source().toString();
        String tag = request.destination().destinationTag();
        try (OpenImage src = OpenImage.open(request.source(), client, false);
             OpenImage dst = OpenImage.open(request.destination(), client, true)) {
            ImageResolver.Root root = ImageResolver.root(src.store(), src.sourceReference(), image);
            List<ImageResolver.Selected> selected = ImageResolver.select(src.store(), root, image, request.platforms());

            // 1. build every index before any manifest goes to the destination; layers stream there meanwhile
            boolean copyBlobs = !src.sameStoreAs(dst);
            BlobPublisher publisher = new BlobPublisher(dst.store(), client, registryRepo(dst));
            LayerSink copyLayers = copyBlobs ? publisher.layerSink(registryRepo(src)) : null;
            IndexBuilder builder = new IndexBuilder(store, request.build(), progress);
            List<Converted> converted = new ArrayList<>();
            for (ImageResolver.Selected sel : selected) {
                String name = image + " (" + sel.platform() + ")";
                BuiltIndex built = builder.build(src.store(), name, sel.manifest(), SociVersion.V2, null, copyLayers);
                RawManifest rewritten = rewriteManifest(sel.raw(), built.manifest().digest());
                Descriptor soci = new Descriptor(MediaTypes.OCI_MANIFEST, built.manifest().digest(), built.manifest().size(), List.of(),
                        Map.of(SociAnnotations.IMAGE_MANIFEST_DIGEST, rewritten.digest().toString()), sel.platform(), SociVersion.V2.artifactType());
                store.putIndex(built.manifest(), request.destination().toString(), sel.platform().toString(), rewritten.digest());
                converted.add(new Converted(sel, built, rewritten, soci));
            }
            RawManifest newIndex = newIndex(root, converted);

            // 2. publish children first, the tagged index last (blobs already copied are skipped)
            if (copyBlobs) {
                List<Descriptor> blobs = new ArrayList<>();
                for (Converted c : converted) {
                    blobs.add(c.selected().manifest().config());
                    blobs.addAll(c.selected().manifest().layers());
                }
                publisher.copyFrom(src.store(), registryRepo(src), blobs);
                for (Descriptor child : root.children()) {
                    if (ImageResolver.isSociIndexDescriptor(child) || isConverted(child, converted)) continue;
                    ImageCopier.copy(src.store(), child.digest().toString(), dst.store(), null, false);
                }
            }
            List<Descriptor> sociBlobs = new ArrayList<>();
            sociBlobs.add(new Descriptor(SociVersion.V2.artifactType(), SociIndex.EMPTY_CONFIG_DIGEST, SociIndex.EMPTY_CONFIG.length));
            for (Converted c : converted)
                for (IndexedLayer l : c.built().index().layers()) sociBlobs.add(new Descriptor(MediaTypes.SOCI_ZTOC, l.ztoc(), l.ztocSize()));
            publisher.pushStored(store, sociBlobs);
            for (Converted c : converted) dst.store().putManifest(c.built().manifest(), null);
            for (Converted c : converted) dst.store().putManifest(c.rewritten(), null);
            dst.store().putManifest(newIndex, tag);
            dst.commit();

            log.atInfo().addKeyValue("image", image).addKeyValue("to", request.destination()).addKeyValue("index", newIndex.digest())
                    .addKeyValue("platforms", converted.size()).log("converted image to SOCI index v2");
            return new ConvertResult(newIndex.descriptor(), request.destination().toString(), converted.stream()
                    .map(c -> new PlatformIndex(c.selected().platform(), c.selected().descriptor(),
                            new Descriptor(MediaTypes.OCI_MANIFEST, c.rewritten().digest(), c.rewritten().size()),
                            c.sociDescriptor(), c.built().layers()))
                    .toList());
        }
    }

    private static boolean isConverted(Descriptor child, List<Converted> converted) {
        return converted.stream().anyMatch(c -> c.selected().descriptor().equals(child));
    }

    private static ImageReference registryRepo(OpenImage open) {
        return open.location() instanceof ImageLocation.Registry r ? r.reference() : null;
    }

    /** The image manifest with OCI media types and the index-digest annotation; everything else as it was. */
    static RawManifest rewriteManifest(RawManifest original, Digest sociIndex) throws IOException {
        ObjectNode m = (ObjectNode) ManifestJson.MAPPER.readTree(original.bytes());
        removeAnnotation(m, SociAnnotations.INDEX_DIGEST);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        ((ObjectNode) m.get("config")).put("mediaType", MediaTypes.OCI_CONFIG);
        annotations(m).put(SociAnnotations.INDEX_DIGEST, sociIndex.toString());
        return new RawManifest(MediaTypes.OCI_MANIFEST, ManifestJson.write(m));
    }

    /** The new OCI index: children in order (SOCI descriptors of an earlier conversion dropped, converted ones replaced), then the SOCI descriptors. */
    private static RawManifest newIndex(ImageResolver.Root root, List<Converted> converted) throws IOException {
        ObjectNode index;
        ArrayNode oldChildren;
        if (root.single()) {
            index = JsonNodeFactory.instance.objectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            oldChildren = JsonNodeFactory.instance.arrayNode().add(ManifestJson.MAPPER.valueToTree(root.children().getFirst()));
        } else {
            index = (ObjectNode) ManifestJson.MAPPER.readTree(root.raw().bytes());
            index.put("mediaType", MediaTypes.OCI_INDEX);
            oldChildren = (ArrayNode) index.get("manifests");
        }
        ArrayNode children = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < root.children().size(); i++) {
            Descriptor child = root.children().get(i);
            if (ImageResolver.isSociIndexDescriptor(child)) continue;
            ObjectNode node = ((ObjectNode) oldChildren.get(i)).deepCopy();
            Converted c = converted.stream().filter(x -> x.selected().descriptor().equals(child)).findFirst().orElse(null);
            if (c != null) {
                removeAnnotation(node, SociAnnotations.INDEX_DIGEST);
                node.put("mediaType", MediaTypes.OCI_MANIFEST);
                node.put("digest", c.rewritten().digest().toString());
                node.put("size", c.rewritten().size());
                annotations(node).put(SociAnnotations.INDEX_DIGEST, c.built().manifest().digest().toString());
            }
            children.add(node);
        }
        for (Converted c : converted) children.add(ManifestJson.MAPPER.<JsonNode>valueToTree(c.sociDescriptor()));
        index.set("manifests", children);
        return new RawManifest(MediaTypes.OCI_INDEX, ManifestJson.write(index));
    }

    private static ObjectNode annotations(ObjectNode node) {
        JsonNode a = node.get("annotations");
        return a instanceof ObjectNode o ? o : node.putObject("annotations");
    }

    /** Removes an annotation, and the annotations object when that leaves it empty (so re-conversion restores the original). */
    private static void removeAnnotation(ObjectNode node, String key) {
        if (node.get("annotations") instanceof ObjectNode a && a.has(key)) {
            a.remove(key);
            if (a.isEmpty()) node.remove("annotations");
        }
    }
}
