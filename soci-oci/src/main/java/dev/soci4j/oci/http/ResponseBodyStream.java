package dev.soci4j.oci.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A response body framed by Content-Length, by chunked transfer coding, or by the connection's end
 * (RFC 9112 §6.3). When the body's last byte has been read, the connection goes back to the pool
 * (if the server lets it stay open); closing before that drops the connection, since its unread
 * bytes would corrupt the next exchange. Reads as large as {@link HttpConnection#BUFFER_BYTES} go
 * from the socket straight into the caller's buffer: read it as a {@link ReadableByteChannel} into a
 * direct buffer (see {@link Response#bodyChannel()}) and plain HTTP copies nothing in user space.
 * Not thread-safe.
 */
final class ResponseBodyStream extends InputStream implements ReadableByteChannel {
    enum Framing { FIXED, CHUNKED, UNTIL_CLOSE }

    private final HttpConnection connection;
    private final ConnectionPool pool;
    private final Framing framing;
    private final boolean keepAlive;
    /** FIXED: bytes left; CHUNKED: bytes left in the current chunk (-1 before the first chunk). */
    private long remaining;
    private boolean done;
    private boolean closed;

    ResponseBodyStream(HttpConnection connection, ConnectionPool pool, Framing framing, long length, boolean keepAlive) throws IOException {
        this.connection = connection;
        this.pool = pool;
        this.framing = framing;
        this.keepAlive = keepAlive && framing != Framing.UNTIL_CLOSE;
        this.remaining = framing == Framing.CHUNKED ? -1 : length;
        if (framing == Framing.FIXED && length == 0) finish();
    }

    /** An empty body (HEAD, 204, 304): the connection is released at once. */
    static ResponseBodyStream empty(HttpConnection connection, ConnectionPool pool, boolean keepAlive) throws IOException {
        return new ResponseBodyStream(connection, pool, Framing.FIXED, 0, keepAlive);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        return read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) throw new IOException("response body closed");
        if (done) return -1;
        if (!dst.hasRemaining()) return 0;
        return switch (framing) {
            case FIXED -> readFixed(dst);
            case CHUNKED -> readChunked(dst);
            case UNTIL_CLOSE -> readToClose(dst);
        };
    }

    private int readFixed(ByteBuffer dst) throws IOException {
        int n = readAtMost(dst, remaining);
        if (n < 0) {
            done = true;
            connection.close();
            throw new EOFException("body ended %d bytes before its Content-Length".formatted(remaining));
        }
        remaining -= n;
        if (remaining == 0) finish();
        return n;
    }

    private int readChunked(ByteBuffer dst) throws IOException {
        if (remaining <= 0) {
            if (remaining == 0) expectCrlf();   // after a chunk's data
            remaining = chunkSize();
            if (remaining == 0) {
                // last chunk: skip trailer fields up to the empty line
                for (String line; (line = connection.readLine()) != null && !line.isEmpty(); ) { }
                finish();
                return -1;
            }
        }
        int n = readAtMost(dst, remaining);
        if (n < 0) {
            done = true;
            connection.close();
            throw new EOFException("chunked body ended inside a chunk");
        }
        remaining -= n;
        return n;
    }

    /** Reads into {@code dst}, but no more than {@code max} bytes: the rest of the connection is not this body's. */
    private int readAtMost(ByteBuffer dst, long max) throws IOException {
        if (dst.remaining() <= max) return connection.read(dst);
        int limit = dst.limit();
        dst.limit(dst.position() + (int) max);
        try {
            return connection.read(dst);
        } finally {
            dst.limit(limit);
        }
    }

    private long chunkSize() throws IOException {
        String line = connection.readLine();
        if (line == null) throw new EOFException("chunked body ended before its last chunk");
        int semicolon = line.indexOf(';');   // chunk extensions are ignored
        String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
        try {
            long size = Long.parseUnsignedLong(hex, 16);
            if (size < 0 || hex.isEmpty()) throw new NumberFormatException();
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line '%s'".formatted(line.length() > 40 ? line.substring(0, 40) : line));
        }
    }

    private void expectCrlf() throws IOException {
        String line = connection.readLine();
        if (line == null || !line.isEmpty()) throw new IOException("chunk data not followed by CRLF");
    }

    private int readToClose(ByteBuffer dst) throws IOException {
        int n = connection.read(dst);
        if (n < 0) finish();
        return n;
    }

    private void finish() {
        done = true;
        if (keepAlive) pool.release(connection);
        else connection.close();
    }

    @Override
    public int available() {
        if (done || closed) return 0;
        int buffered = connection.buffered();
        return framing == Framing.UNTIL_CLOSE ? buffered : (int) Math.min(buffered, Math.max(remaining, 0));
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (!done) {
            done = true;
            connection.close();
        }
    }
}
