package dev.soci4j.oci.http;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A response whose body is still to be read. Not thread-safe; whoever receives it closes it
 * (closing an unread body drops the connection's remaining bytes).
 */
public final class Response implements Closeable {
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;
    private final Request request;
    private final int attempts;

    public Response(int status, HttpHeaders headers, InputStream body, Request request, int attempts) {
        this.status = status;
        this.headers = headers;
        this.body = body == null ? InputStream.nullInputStream() : body;
        this.request = request;
        this.attempts = attempts;
    }

    public int status() { return status; }

    public HttpHeaders headers() { return headers; }

    public Optional<String> header(String name) { return headers.firstValue(name); }

    public List<String> headers(String name) { return headers.allValues(name); }

    public OptionalLong contentLength() {
        return headers.firstValueAsLong("content-length");
    }

    public InputStream body() { return body; }

    /**
     * The same body as a channel (reads from either advance both). Read into a direct buffer, a body
     * from {@link SocketTransport} over plain HTTP goes from the socket into that buffer with no copy
     * in between; other bodies (java.net.http's, a Range answer cut from a full one) are wrapped.
     */
    public ReadableByteChannel bodyChannel() {
        return body instanceof ReadableByteChannel channel ? channel : Channels.newChannel(body);
    }

    /** The request that produced this response (after redirects). */
    public Request request() { return request; }

    /** How many times the request was sent before this answer. */
    public int attempts() { return attempts; }

    public boolean isSuccessful() { return status >= 200 && status < 300; }

    public Response withBody(InputStream newBody) {
        return new Response(status, headers, newBody, request, attempts);
    }

    public Response withAttempts(int newAttempts) {
        return new Response(status, headers, body, request, newAttempts);
    }

    /** Reads the body to its end; more than {@code maxBytes} is an error rather than memory spent. */
    public byte[] readBody(int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        long total = 0;
        for (int n; (n = body.read(buf)) >= 0; ) {
            total += n;
            if (total > maxBytes)
                throw new IOException("%s: response body larger than %d bytes".formatted(request, maxBytes));
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** The body for an error message: at most 4 KiB, never failing. */
    public String errorBody() {
        try (InputStream in = body) {
            return new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }
}
