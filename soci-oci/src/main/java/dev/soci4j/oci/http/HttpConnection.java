package dev.soci4j.oci.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * One HTTP/1.1 connection over a {@link Wire}: a read buffer for status lines, headers and chunk
 * sizes, and reads that bypass it for large body reads so bodies land straight in the caller's
 * buffer (with no copy at all for a direct buffer on plain HTTP). Used by one exchange at a time;
 * the pool hands it on.
 */
final class HttpConnection implements AutoCloseable {
    /**
     * Holds response heads and small bodies. Body reads of at least this size skip it: copying through
     * it would cost a pass over every byte of a 1 GiB blob.
     */
    static final int BUFFER_BYTES = 64 << 10;
    /** Response heads past this are refused rather than buffered without limit (Go's server allows 1 MiB of request headers). */
    static final int MAX_HEAD_BYTES = 1 << 20;

    private final String authority;
    private final Wire wire;
    /** Read mode: position is the next unread byte, limit the end of what was read. */
    private final ByteBuffer buf;
    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            wire.write(ByteBuffer.wrap(b, off, len));
        }
    };
    private long idleSinceNanos;
    private int exchanges;

    private HttpConnection(String authority, Wire wire) {
        this.authority = authority;
        this.wire = wire;
        this.buf = wire.allocate(BUFFER_BYTES).flip();
    }

    /** Connects to {@code host:port}: a {@link ChannelWire} without {@code tls}, else a {@link SocketWire} after its handshake. */
    static HttpConnection open(String authority, String host, int port, SSLContext tls, Duration connectTimeout, Duration handshakeTimeout) throws IOException {
        Wire wire = tls == null ? ChannelWire.connect(host, port, connectTimeout) : SocketWire.connect(host, port, tls, connectTimeout, handshakeTimeout);
        return new HttpConnection(authority, wire);
    }

    String authority() { return authority; }

    /** How many exchanges this connection carried before the current one (0: fresh). */
    int exchanges() { return exchanges; }

    void startExchange() { exchanges++; }

    long idleSinceNanos() { return idleSinceNanos; }

    void markIdle() { idleSinceNanos = System.nanoTime(); }

    /** How long a read or write may wait for the peer from now on. */
    void timeout(Duration d) throws IOException {
        wire.timeout(d);
    }

    /** Writes go straight to the wire; nothing to flush. */
    OutputStream out() { return out; }

    /** Whether a fresh read would block: an idle pooled connection with buffered bytes or EOF is not reusable. */
    boolean isReusable() {
        return wire.isOpen() && !buf.hasRemaining();
    }

    /** One CRLF- (or LF-) terminated line, without the terminator; null at EOF before any byte. */
    String readLine() throws IOException {
        StringBuilder line = null;
        int total = 0;
        while (true) {
            if (!buf.hasRemaining() && !fill()) {
                if (line == null) return null;
                throw new EOFException("connection closed inside a header line");
            }
            if (line == null) line = new StringBuilder();
            int start = buf.position();
            int end = start;
            while (end < buf.limit() && buf.get(end) != '\n') end++;
            total += end - start;
            if (total > MAX_HEAD_BYTES) throw new IOException("response header line longer than " + MAX_HEAD_BYTES + " bytes");
            byte[] bytes = new byte[end - start];
            buf.get(start, bytes);
            line.append(new String(bytes, StandardCharsets.ISO_8859_1));
            if (end < buf.limit()) {
                buf.position(end + 1);   // past the '\n'
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
                return line.toString();
            }
            buf.position(end);
        }
    }

    /**
     * Reads up to {@code dst.remaining()} body bytes: buffered ones first, then, for reads as large as
     * the buffer, from the wire straight into {@code dst}. Returns -1 at EOF.
     */
    int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        if (buf.hasRemaining()) {
            int n = Math.min(dst.remaining(), buf.remaining());
            dst.put(dst.position(), buf, buf.position(), n);
            dst.position(dst.position() + n);
            buf.position(buf.position() + n);
            return n;
        }
        if (dst.remaining() >= BUFFER_BYTES) return wire.read(dst);
        if (!fill()) return -1;
        return read(dst);
    }

    /** Bytes readable without blocking from the buffer. */
    int buffered() {
        return buf.remaining();
    }

    private boolean fill() throws IOException {
        buf.clear();
        int n;
        try {
            n = wire.read(buf);
        } finally {
            buf.flip();
        }
        return n > 0;
    }

    @Override
    public void close() {
        wire.close();
    }

    /** The peer sent (or took) nothing within the timeout. */
    static final class StalledException extends IOException {
        StalledException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
