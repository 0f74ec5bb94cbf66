package dev.soci4j.oci.layout;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;

/** Where images live for {@link ImageCopier}: a registry repository or an OCI layout. */
public interface ImageStore {
    /** The manifest under a tag, or by digest ({@code sha256:...}). */
    RawManifest manifest(String reference) throws IOException;

    boolean hasBlob(Descriptor blob) throws IOException;

    /** Writes the blob to {@code target}, verified. */
    void fetchBlob(Descriptor blob, Path target) throws IOException;

    /**
     * The blob's bytes as a stream, verified as they pass: when the stream ends, size and digest are
     * checked and a mismatch makes that {@code read} throw {@link dev.soci4j.oci.DigestMismatchException},
     * so -1 means every byte was right. The caller closes it.
     */
    ReadableByteChannel openBlob(Descriptor blob) throws IOException;

    /** Stores a verified local file as this blob. */
    void putBlob(Descriptor blob, Path file) throws IOException;

    /**
     * Stores the blob read from {@code body}, a stream of the descriptor's size and digest, with no
     * copy on disk beyond the store's own. It becomes visible only complete and verified: after
     * {@code body} ended cleanly (-1) with the descriptor's size and digest; on a failure nothing is
     * published. When the store already has the blob, {@code body} may be left unread. The caller
     * closes {@code body}.
     */
    void putBlob(Descriptor blob, ReadableByteChannel body) throws IOException;

    /** Stores manifest bytes by digest, and under {@code tag} when not null. */
    void putManifest(RawManifest manifest, String tag) throws IOException;

    /** Manifests whose subject is {@code subject}. */
    List<Descriptor> referrers(Digest subject) throws IOException;

    /** For messages. */
    String describe();
}
