package dev.soci4j.oci;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;

/**
 * A blob's bytes from a source channel, counted and hashed as they pass. When the source ends,
 * size and digest are checked against the descriptor: on a mismatch that {@code read} throws
 * {@link DigestMismatchException} instead of returning -1, so a consumer never sees a clean end of
 * stream after wrong bytes (the bytes before it were handed out unverified, as a stream must). A
 * source longer than the descriptor fails as soon as the extra byte arrives. Not thread-safe;
 * closing closes the source.
 */
public final class VerifyingChannel implements ReadableByteChannel {
    private final ReadableByteChannel source;
    private final Descriptor blob;
    private final String subject;
    private final MessageDigest hasher = Digest.newHasher();
    private long count;
    private boolean verified;
    private boolean open = true;

    /** @param subject what the blob is, for messages: {@code blob sha256:… from localhost:5000/app} */
    public VerifyingChannel(ReadableByteChannel source, Descriptor blob, String subject) {
        this.source = source;
        this.blob = blob;
        this.subject = subject;
    }

    /** Bytes handed out so far. */
    public long position() {
        return count;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) throw new ClosedChannelException();
        if (verified) return -1;
        if (!dst.hasRemaining()) return 0;
        // One byte past the declared size is enough to tell a longer source.
        long room = blob.size() - count + 1;
        ByteBuffer window = dst.remaining() > room ? dst.slice().limit((int) room) : dst;
        int start = window.position();
        int n = source.read(window);
        if (n < 0) {
            verify();
            return -1;
        }
        if (n > 0) {
            hasher.update(window.duplicate().position(start).limit(start + n));
            if (window != dst) dst.position(dst.position() + n);
            count += n;
            if (count > blob.size()) throw mismatch("is longer than the descriptor's %d bytes".formatted(blob.size()));
        }
        return n;
    }

    private void verify() throws DigestMismatchException {
        Digest actual = Digest.of(hasher);
        if (count != blob.size() || !actual.equals(blob.digest()))
            throw new DigestMismatchException(subject, blob.digest(), actual, count);
        verified = true;
    }

    private DigestMismatchException mismatch(String why) {
        return new DigestMismatchException(subject + " (" + why + ")", blob.digest(), Digest.of(hasher), count);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (!open) return;
        open = false;
        source.close();
    }
}
