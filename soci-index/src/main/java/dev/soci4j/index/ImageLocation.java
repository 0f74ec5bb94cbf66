package dev.soci4j.index;

import dev.soci4j.oci.ImageReference;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where an image is, as the CLI names it (skopeo's transports): a registry reference
 * ({@code registry/repo:tag}, optionally {@code docker://}), {@code oci:DIR[:TAG]} (an OCI layout
 * directory) or {@code oci-archive:FILE[:TAG]} (an OCI layout tar). Immutable; open it with
 * {@link OpenImage#open}.
 */
public sealed interface ImageLocation {
    /** A repository on a registry; the reference's tag or digest names the image. */
    record Registry(ImageReference reference) implements ImageLocation {
        @Override public String toString() { return reference.toString(); }
    }

    /** An OCI layout directory; {@code tag} null means the only image in it (as a source) or {@code latest}. */
    record Layout(Path dir, String tag) implements ImageLocation {
        @Override public String toString() { return "oci:" + dir + (tag == null ? "" : ":" + tag); }
    }

    /** An OCI layout tar; {@code tag} as for {@link Layout}. */
    record Archive(Path file, String tag) implements ImageLocation {
        @Override public String toString() { return "oci-archive:" + file + (tag == null ? "" : ":" + tag); }
    }

    Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /** Parses a CLI image argument; throws {@link IllegalArgumentException} with the bad text. */
    static ImageLocation parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty image location");
        if (text.startsWith("oci:")) {
            String[] pt = pathAndTag(text, "oci:");
            return new Layout(Path.of(pt[0]), pt[1]);
        }
        if (text.startsWith("oci-archive:")) {
            String[] pt = pathAndTag(text, "oci-archive:");
            return new Archive(Path.of(pt[0]), pt[1]);
        }
        String ref = text.startsWith("docker://") ? text.substring("docker://".length()) : text;
        return new Registry(ImageReference.parse(ref));
    }

    /** {@code DIR[:TAG]}: the tag is what follows the last colon, if it is a valid tag (so {@code C:/x} style paths with slashes after the colon stay paths). */
    private static String[] pathAndTag(String text, String prefix) {
        String rest = text.substring(prefix.length());
        int colon = rest.lastIndexOf(':');
        String path = rest;
        String tag = null;
        if (colon >= 0 && TAG.matcher(rest.substring(colon + 1)).matches()) {
            path = rest.substring(0, colon);
            tag = rest.substring(colon + 1);
        }
        if (path.isEmpty()) throw new IllegalArgumentException("missing path in " + text);
        return new String[] {path, tag};
    }

    /** The tag to write under when this is a destination. */
    default String destinationTag() {
        return switch (this) {
            case Registry r -> {
                if (r.reference().tag() == null)
                    throw new IllegalArgumentException("destination %s needs a tag, not only a digest".formatted(r.reference()));
                yield r.reference().tag();
            }
            case Layout l -> l.tag() == null ? ImageReference.DEFAULT_TAG : l.tag();
            case Archive a -> a.tag() == null ? ImageReference.DEFAULT_TAG : a.tag();
        };
    }
}
