package dev.soci4j.oci.manifest;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Manifest bytes exactly as received or to be sent, with their media type. The digest is always over
 * these bytes; parse for reading, but push and store these bytes, never a re-serialization.
 * Immutable (the array is copied in and out).
 */
public record RawManifest(String mediaType, byte[] bytes) {
    /** containerd's limit (remotes/docker/fetcher.go, 4 MiB): larger "manifests" are refused unread. */
    public static final int MAX_BYTES = 4 << 20;

    public RawManifest {
        Objects.requireNonNull(mediaType, "mediaType");
        mediaType = MediaTypes.stripParameters(mediaType);
        bytes = bytes.clone();
    }

    /** Serializes a manifest model; its media type goes into the JSON and the Content-Type. */
    public static RawManifest of(Manifest manifest) {
        return new RawManifest(manifest.mediaType(), ManifestJson.write(manifest));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    public Digest digest() {
        return Digest.of(bytes);
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest(), bytes.length);
    }

    public Manifest parse() throws IOException {
        return ManifestJson.parse(bytes, mediaType);
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawManifest other && mediaType.equals(other.mediaType) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return mediaType.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "RawManifest[" + mediaType + ", " + bytes.length + " bytes]";
    }
}
