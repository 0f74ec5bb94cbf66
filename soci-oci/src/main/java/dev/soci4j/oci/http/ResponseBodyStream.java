package dev.soci4j.oci.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body framed by Content-Length, by chunked transfer coding, or by the connection's end
 * (RFC 9112 §6.3). When the body's last byte has been read, the connection goes back to the pool
 * (if the server lets it stay open); closing before that drops the connection, since its unread
 * bytes would corrupt the next exchange. Reads as large as {@link HttpConnection#BUFFER_BYTES} go
 * from the socket straight into the caller's array. Not thread-safe.
 */
final class ResponseBodyStream extends InputStream {
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
        if (closed) throw new IOException("response body closed");
        if (done) return -1;
        if (len == 0) return 0;
        return switch (framing) {
            case FIXED -> readFixed(b, off, len);
            case CHUNKED -> readChunked(b, off, len);
            case UNTIL_CLOSE -> readToClose(b, off, len);
        };
    }

    private int readFixed(byte[] b, int off, int len) throws IOException {
        int n = connection.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            done = true;
            connection.close();
            throw new EOFException("body ended %d bytes before its Content-Length".formatted(remaining));
        }
        remaining -= n;
        if (remaining == 0) finish();
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
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
        int n = connection.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            done = true;
            connection.close();
            throw new EOFException("chunked body ended inside a chunk");
        }
        remaining -= n;
        return n;
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

    private int readToClose(byte[] b, int off, int len) throws IOException {
        int n = connection.read(b, off, len);
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
    public void close() {
        if (closed) return;
        closed = true;
        if (!done) {
            done = true;
            connection.close();
        }
    }
}
