package dev.soci4j.oci.registry;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.Executor;

/**
 * What {@code openBlob} returns: {@link dev.soci4j.oci.VerifyingChannel}'s contract (bytes counted and
 * hashed as they pass; at the source's end size and digest are checked and a mismatch makes that
 * {@code read} throw {@link DigestMismatchException} instead of returning -1; a longer source fails
 * at its first extra byte) with the hashing off the consumer's thread.
 *
 * <p>Why: sha256 of 1 GiB takes ~0.65 s (SHA-NI), as long as receiving it; inline, it made a streamed
 * read take the sum of both. Here the source is read into buffers of a {@link BlobHasher}, each
 * hashed on the CPU executor once full while the consumer is handed its bytes as they arrive (no
 * waiting for a buffer to fill; one socket read may serve many small consumer reads). That costs
 * one copy from our buffer into the consumer's (~0.1 s per GiB), paid on the consumer's thread
 * while the hashing runs on another core. Not thread-safe; closing closes the source.
 */
final class HashedBlobChannel implements ReadableByteChannel {
    private final ReadableByteChannel source;
    private final Descriptor blob;
    private final String subject;
    private final BlobHasher hasher;
    /** Filling: bytes [0, position) came from the source, [handedOut, position) are still the consumer's. */
    private ByteBuffer fill;
    private int handedOut;
    private long count;
    private boolean verified;
    private boolean open = true;

    /** @param subject what the blob is, for messages: {@code blob sha256:… from localhost:5000/app} */
    HashedBlobChannel(ReadableByteChannel source, Descriptor blob, String subject, Executor cpu) {
        this.source = source;
        this.blob = blob;
        this.subject = subject;
        this.hasher = new BlobHasher(cpu, (int) Math.min(BlobStreamer.BUFFER_BYTES, blob.size() + 1), true);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) throw new ClosedChannelException();
        if (verified) return -1;
        if (!dst.hasRemaining()) return 0;
        if (fill != null && handedOut < fill.position()) return handOut(dst);
        if (fill == null || !fill.hasRemaining()) {
            if (fill != null) hashFill();
            fill = hasher.buffer();
            handedOut = 0;
        }
        // One byte past the declared size is enough to tell a longer source.
        long room = blob.size() - count + 1;
        if (fill.remaining() > room) fill.limit(fill.position() + (int) room);
        int n = source.read(fill);
        if (n < 0) {
            verify();
            return -1;
        }
        count += n;
        if (count > blob.size()) throw mismatch("is longer than the descriptor's %d bytes".formatted(blob.size()));
        fill.limit(fill.capacity());
        return handOut(dst);
    }

    private int handOut(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), fill.position() - handedOut);
        dst.put(dst.position(), fill, handedOut, n);
        dst.position(dst.position() + n);
        handedOut += n;
        return n;
    }

    /** Hands the bytes of the current buffer to the hasher; the consumer has had them all. */
    private void hashFill() throws IOException {
        hasher.update(fill.flip());
        fill = null;
    }

    private Digest digest() throws IOException {
        if (fill != null) hashFill();
        return hasher.digest();
    }

    private void verify() throws IOException {
        Digest actual = digest();
        if (count != blob.size() || !actual.equals(blob.digest()))
            throw new DigestMismatchException(subject, blob.digest(), actual, count);
        verified = true;
    }

    private DigestMismatchException mismatch(String why) throws IOException {
        return new DigestMismatchException(subject + " (" + why + ")", blob.digest(), digest(), count);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (!open) return;
        open = false;
        try {
            source.close();
        } finally {
            hasher.close();
        }
    }
}
