package dev.soci4j.builder;

import dev.soci4j.builder.BuildOutcome.Built;
import dev.soci4j.builder.BuildOutcome.Skipped;
import dev.soci4j.builder.filter.LoopGuard;
import dev.soci4j.index.ConvertRequest;
import dev.soci4j.index.ConvertResult;
import dev.soci4j.index.ExistingIndexPolicy;
import dev.soci4j.index.ImageLocation;
import dev.soci4j.index.NoIndexableLayerException;
import dev.soci4j.index.PlatformIndex;
import dev.soci4j.index.SociConverter;
import dev.soci4j.index.SociIndexV1;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.registry.RegistryHostOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the SOCI index of one pushed image, as configured: v2 converts {@code repo@digest} to
 * {@code repo:<tag><suffix>} (or {@code repo:<tag>} in place); v1 creates the per-platform indexes and
 * pushes them beside the image. Before anything is built it fetches the pushed manifest and skips
 * soci4j's own output ({@link LoopGuard#ownContent}) and tags that moved on to another digest.
 *
 * <p>Thread-safe: workers share one instance; each call is one build. Owns its registry client: close it.
 */
public final class ImageIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageIndexer.class);

    private final BuilderConfig.Build build;
    private final LoopGuard loopGuard;
    private final Map<String, BuilderConfig.Registry> registries;
    private final RegistryClient client;
    private final IndexStore store;

    public ImageIndexer(BuilderConfig config, CredentialSource credentials) throws IOException {
        this.build = config.build();
        this.loopGuard = config.filters().loopGuard();
        this.registries = config.registries();
        RegistryClient.Builder b = RegistryClient.builder().credentials(credentials);
        for (BuilderConfig.Registry r : registries.values()) {
            if (r.plainHttp()) b.hostOptions(r.address(), RegistryHostOptions.PLAIN_HTTP);
            else if (r.insecure()) b.hostOptions(r.address(), new RegistryHostOptions(false, true, null));
        }
        this.client = b.build();
        this.store = IndexStore.open(build.storeRoot());
    }

    /** The reference to connect to: the event's registry name mapped through {@code registries:}. */
    ImageReference reference(BuildTarget target) {
        BuilderConfig.Registry r = registries.get(target.registry());
        String address = r == null ? target.registry() : r.address();
        return new ImageReference(address, target.repository(), null, target.digest());
    }

    public BuildOutcome index(BuildTarget target) throws IOException {
        Optional<String> ownTag = loopGuard.ownTag(target.tag());
        if (ownTag.isPresent()) return new Skipped(ownTag.get());
        ImageReference source = reference(target);
        RawManifest pushed = client.pullManifest(source);
        Optional<String> own = LoopGuard.ownContent(pushed);
        if (own.isPresent()) return new Skipped(own.get());
        Optional<Descriptor> current = client.headManifest(source.withTag(target.tag()));
        if (current.isPresent() && !current.get().digest().equals(target.digest()))
            return new Skipped("tag " + target.tag() + " now points at " + current.get().digest());
        try {
            return switch (build.mode()) {
                case V2 -> convert(source, target);
                case V1 -> createAndPush(source, target);
            };
        } catch (NoIndexableLayerException e) {
            return new Skipped("nothing to index: " + e.getMessage());
        }
    }

    private Built convert(ImageReference source, BuildTarget target) throws IOException {
        String tag = build.inPlace() ? target.tag() : target.tag() + loopGuard.tagSuffix();
        ImageReference destination = new ImageReference(source.registry(), source.repository(), tag, null);
        ConvertResult result = new SociConverter(client, store, null).convert(
                new ConvertRequest(new ImageLocation.Registry(source), new ImageLocation.Registry(destination), build.platforms(), build.options()));
        log.atDebug().addKeyValue("image", target).addKeyValue("to", destination).log("converted");
        return new Built(result.destination() + "@" + result.index().digest());
    }

    private Built createAndPush(ImageReference source, BuildTarget target) throws IOException {
        SociIndexV1 v1 = new SociIndexV1(client, store, null);
        List<PlatformIndex> created = v1.create(new ImageLocation.Registry(source), build.platforms(), build.options());
        List<SociIndexV1.Pushed> pushed = v1.push(source, build.platforms(), ExistingIndexPolicy.SKIP);
        log.atDebug().addKeyValue("image", target).addKeyValue("platforms", created.size()).log("pushed v1 indexes");
        return new Built(pushed.stream().map(p -> p.platform() + "=" + p.index().digest() + " " + p.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .toList().toString());
    }

    @Override
    public void close() {
        client.close();
    }
}
