package dev.soci4j.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.layout.ImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;

/** Reads an image's root and picks the platform manifests to index. Stateless. */
final class ImageResolver {
    /** Image configs are small JSON; anything past this is not a config we should parse. */
    static final long MAX_CONFIG_BYTES = 16L << 20;

    private ImageResolver() {}

    /** A platform image manifest chosen for indexing. */
    record Selected(Descriptor descriptor, RawManifest raw, ImageManifest manifest) {
        Platform platform() {
            return descriptor.platform();
        }
    }

    /** The root of an image: an index (children listed), or a single manifest (one child, platform from its config). */
    record Root(RawManifest raw, boolean single, List<Descriptor> children) {}

    static Root root(ImageStore store, String reference, String image) throws IOException {
        RawManifest raw = store.manifest(reference);
        String mt = raw.mediaType();
        if (!MediaTypes.isIndex(mt) && !MediaTypes.isManifest(mt))
            throw new UnsupportedImageException("%s: unknown manifest media type %s".formatted(image, mt));
        return switch (raw.parse()) {
            case ImageIndex index -> new Root(raw, false, index.manifests());
            case ImageManifest m -> {
                dev.soci4j.index.build.IndexBuilder.checkIsImage(image, m);
                yield new Root(raw, true, List.of(raw.descriptor().withPlatform(platformOf(store, image, m))));
            }
        };
    }

    /** The selected manifests of a root, in index order; at least one, else a message listing what the image has. */
    static List<Selected> select(ImageStore store, Root root, String image, PlatformSelection requested) throws IOException {
        PlatformSelection selection = requested;
        // re-converting a converted image without naming platforms indexes again what was indexed before
        // (not the host's platform, which the image may lack): same input, same output
        List<Platform> indexedBefore = root.children().stream().filter(ImageResolver::isSociIndexDescriptor)
                .map(Descriptor::platform).filter(java.util.Objects::nonNull).distinct().toList();
        if (!requested.all() && requested.platforms().isEmpty() && !indexedBefore.isEmpty())
            selection = new PlatformSelection(indexedBefore, false);
        List<Selected> out = new ArrayList<>();
        for (Descriptor child : root.children()) {
            if (!MediaTypes.isManifest(child.mediaType()) || isSociIndexDescriptor(child)) continue;
            // a single-manifest image is indexed whatever its platform unless platforms were named explicitly
            boolean wanted = root.single() ? selection.all() || selection.platforms().isEmpty() || selection.matches(child.platform())
                    : selection.matches(child.platform());
            if (!wanted) continue;
            RawManifest raw = root.single() ? root.raw() : store.manifest(child.digest().toString());
            if (!(raw.parse() instanceof ImageManifest m))
                throw new UnsupportedImageException("%s: entry %s is an index, not an image manifest".formatted(image, child.digest()));
            dev.soci4j.index.build.IndexBuilder.checkIsImage(image, m);
            out.add(new Selected(child, raw, m));
        }
        if (out.isEmpty())
            throw new UnsupportedImageException("%s has no image for %s (it has: %s)".formatted(image, selection,
                    root.children().stream().filter(d -> !isSociIndexDescriptor(d))
                            .map(d -> d.platform() == null ? d.digest().abbreviated() : d.platform().toString()).toList()));
        return out;
    }

    /** A descriptor of an index that points at a SOCI index (v2 convert output, or a v1 referrer listed in an index). */
    static boolean isSociIndexDescriptor(Descriptor d) {
        return SociVersion.ofArtifactType(d.artifactType()).isPresent() || d.annotations().containsKey(SociAnnotations.IMAGE_MANIFEST_DIGEST);
    }

    static Platform platformOf(ImageStore store, String image, ImageManifest m) throws IOException {
        Descriptor config = m.config();
        if (config.size() > MAX_CONFIG_BYTES)
            throw new UnsupportedImageException("%s: config %s is %d bytes, more than an image config can be".formatted(image, config.digest(), config.size()));
        ByteBuffer buf = ByteBuffer.allocate((int) config.size());
        try (ReadableByteChannel ch = store.openBlob(config)) {
            while (buf.hasRemaining() && ch.read(buf) >= 0) { /* fill */ }
            ByteBuffer rest = ByteBuffer.allocate(1);
            while (ch.read(rest) >= 0) rest.clear(); // reach the end, where size and digest are checked
        }
        JsonNode tree = ManifestJson.MAPPER.readTree(buf.array());
        String os = tree.path("os").asText("");
        String arch = tree.path("architecture").asText("");
        if (os.isEmpty() || arch.isEmpty())
            throw new UnsupportedImageException("%s: config %s names no os/architecture".formatted(image, config.digest()));
        List<String> features = new ArrayList<>();
        tree.path("os.features").forEach(f -> features.add(f.asText()));
        String osVersion = tree.hasNonNull("os.version") ? tree.get("os.version").asText() : null;
        String variant = tree.hasNonNull("variant") && !tree.get("variant").asText().isEmpty() ? tree.get("variant").asText() : null;
        return new Platform(arch, os, osVersion, features, variant);
    }
}
