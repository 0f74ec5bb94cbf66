package dev.soci4j.oci.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;

/**
 * The last step: HTTP/1.1 in the calling thread (virtual threads welcome), with a keep-alive pool
 * per {@code scheme://host:port}, TLS from the given {@link SSLContext}, and Content-Length, chunked
 * and close-delimited bodies. Never follows redirects (a pipeline step does). Plain HTTP runs on
 * socket channels ({@link ChannelWire}), https on blocking TLS sockets ({@link SocketWire}).
 *
 * <p>Why not java.net.http: on loopback (1 GiB blob, 2 cores) its body path, 16 KiB buffers handed
 * between its selector thread and the reader with flow control and a copy per buffer, gave 0.28x
 * curl's throughput and 14 ms per 4 MiB Range read; here a body read of 1 MiB goes from the socket
 * into the caller's buffer in the caller's thread ({@link Response#bodyChannel()} into a direct
 * buffer: no copy in user space). Thread-safe; close it to drop idle connections.
 */
public final class SocketTransport implements Step, AutoCloseable {
    /** Time to the response headers, as {@link Transport#HEADERS_TIMEOUT}. */
    public static final Duration HEADERS_TIMEOUT = Transport.HEADERS_TIMEOUT;
    /**
     * A body that sends nothing for this long is broken (the blob readers resume it); java.net.http
     * had no such limit and a stalled peer held a transfer permit forever.
     */
    public static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Request bodies up to this size go out with the head in one write. */
    private static final int INLINE_BODY_BYTES = 16 << 10;
    /** File bodies are sent in pieces of this size. */
    private static final int FILE_CHUNK_BYTES = 1 << 20;
    /** Set by java.net.http itself, so callers cannot; we skip them for the same reason. */
    private static final Set<String> OWN_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade", "te");
    private static final String USER_AGENT = "soci4j";

    private final SSLContext tls;
    private final Duration connectTimeout;
    private final Duration headersTimeout;
    private final Duration bodyIdleTimeout;
    private final ConnectionPool pool = new ConnectionPool();

    /** @param tls for https (also after a redirect from a plain-HTTP registry); null means the JDK default */
    public SocketTransport(SSLContext tls, Duration connectTimeout) {
        this(tls, connectTimeout, HEADERS_TIMEOUT, BODY_IDLE_TIMEOUT);
    }

    /** With other limits than {@link #HEADERS_TIMEOUT} and {@link #BODY_IDLE_TIMEOUT} (tests of stalled peers). */
    SocketTransport(SSLContext tls, Duration connectTimeout, Duration headersTimeout, Duration bodyIdleTimeout) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.headersTimeout = headersTimeout;
        this.bodyIdleTimeout = bodyIdleTimeout;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw new IOException("%s: unsupported scheme '%s'".formatted(request, scheme));
        String authority = Request.authority(uri);
        try {
            while (true) {
                HttpConnection connection = pool.take(authority);
                boolean reused = connection != null;
                if (!reused) connection = connect(uri, scheme);
                try {
                    return exchange(connection, request);
                } catch (NoAnswer e) {
                    connection.close();
                    // A pooled connection the server closed while idle fails this way; the request never
                    // reached the server, so sending it again on another connection is safe for any method.
                    if (!reused) throw e.failure;
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    throw e;
                }
            }
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                InterruptedIOException interrupted = new InterruptedIOException(request + " interrupted");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        }
    }

    private HttpConnection connect(URI uri, String scheme) throws IOException {
        boolean https = scheme.equals("https");
        String host = uri.getHost();
        if (host == null) throw new IOException("no host in " + uri.getScheme() + "://" + uri.getRawAuthority());
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        return HttpConnection.open(Request.authority(uri), host, port, https ? tlsContext() : null, connectTimeout, headersTimeout);
    }

    private SSLContext tlsContext() throws IOException {
        if (tls != null) return tls;
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context", e);
        }
    }

    private Response exchange(HttpConnection connection, Request request) throws IOException {
        connection.startExchange();
        connection.timeout(headersTimeout);
        try {
            writeRequest(connection.out(), request);
        } catch (IOException e) {
            throw new NoAnswer(e);
        }
        if (request.whileWaiting() != null) request.whileWaiting().run();   // the server is working on it meanwhile
        String statusLine;
        try {
            statusLine = connection.readLine();
        } catch (HttpConnection.StalledException e) {
            throw timeout(request, e);
        } catch (IOException e) {
            throw new NoAnswer(e);
        }
        if (statusLine == null) throw new NoAnswer(new EOFException("%s: connection closed before a response".formatted(request)));
        try {
            while (true) {
                int status = parseStatus(request, statusLine);
                Map<String, List<String>> headers = readHeaders(connection);
                if (status >= 100 && status < 200 && status != 101) {
                    // 100 Continue and other interim answers: the final one follows
                    statusLine = connection.readLine();
                    if (statusLine == null) throw new EOFException("%s: connection closed after HTTP %d".formatted(request, status));
                    continue;
                }
                boolean keepAlive = keepAlive(statusLine, headers);
                connection.timeout(bodyIdleTimeout);
                ResponseBodyStream body = body(connection, request, status, headers, keepAlive);
                return new Response(status, HttpHeaders.of(headers, (k, v) -> true), body, request, 1);
            }
        } catch (HttpConnection.StalledException e) {
            throw timeout(request, e);
        }
    }

    private HttpTimeoutException timeout(Request request, IOException e) {
        HttpTimeoutException timeout = new HttpTimeoutException("%s: no response headers within %d ms".formatted(request, headersTimeout.toMillis()));
        timeout.initCause(e);
        return timeout;
    }

    private ResponseBodyStream body(HttpConnection connection, Request request, int status, Map<String, List<String>> headers, boolean keepAlive) throws IOException {
        // RFC 9112 §6.3: no body for HEAD, 1xx, 204, 304, whatever the headers say
        if (request.method().equals("HEAD") || status == 204 || status == 304)
            return ResponseBodyStream.empty(connection, pool, keepAlive);
        List<String> codings = headers.get("transfer-encoding");
        if (codings != null) {
            String last = codings.getLast();
            last = last.substring(last.lastIndexOf(',') + 1).strip();
            return last.equalsIgnoreCase("chunked")
                    ? new ResponseBodyStream(connection, pool, ResponseBodyStream.Framing.CHUNKED, -1, keepAlive)
                    : new ResponseBodyStream(connection, pool, ResponseBodyStream.Framing.UNTIL_CLOSE, -1, false);
        }
        List<String> lengths = headers.get("content-length");
        if (lengths == null) return new ResponseBodyStream(connection, pool, ResponseBodyStream.Framing.UNTIL_CLOSE, -1, false);
        long length = -1;
        for (String value : lengths) {
            for (String part : value.split(",")) {
                long n;
                try {
                    n = Long.parseLong(part.strip());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || (length >= 0 && n != length))
                    throw new IOException("%s: bad Content-Length %s".formatted(request, lengths));
                length = n;
            }
        }
        return new ResponseBodyStream(connection, pool, ResponseBodyStream.Framing.FIXED, length, keepAlive);
    }

    private static int parseStatus(Request request, String statusLine) throws IOException {
        // HTTP-version SP status-code SP [reason-phrase]
        if (statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' ') {
            try {
                int status = Integer.parseInt(statusLine.substring(9, 12));
                if (status >= 100 && status <= 999) return status;
            } catch (NumberFormatException bad) {
                // reported below
            }
        }
        String shown = statusLine.length() > 60 ? statusLine.substring(0, 60) + "…" : statusLine;
        throw new IOException("%s: not an HTTP/1.x status line: '%s'".formatted(request, shown));
    }

    private static Map<String, List<String>> readHeaders(HttpConnection connection) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int total = 0;
        for (String line; ; ) {
            line = connection.readLine();
            if (line == null) throw new EOFException("connection closed inside the response headers");
            if (line.isEmpty()) return headers;
            total += line.length();
            if (total > HttpConnection.MAX_HEAD_BYTES) throw new IOException("response headers larger than " + HttpConnection.MAX_HEAD_BYTES + " bytes");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IOException("malformed response header line");
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
    }

    private static boolean keepAlive(String statusLine, Map<String, List<String>> headers) {
        List<String> connection = headers.getOrDefault("connection", List.of());
        boolean close = connection.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        return !close && (!http10 || connection.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("keep-alive")));
    }

    private static void writeRequest(OutputStream out, Request request) throws IOException {
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder head = new StringBuilder(256)
                .append(request.method()).append(' ').append(path);
        if (uri.getRawQuery() != null) head.append('?').append(uri.getRawQuery());
        head.append(" HTTP/1.1\r\nHost: ").append(uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1)).append("\r\n");
        boolean userAgent = false;
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            if (OWN_HEADERS.contains(e.getKey())) continue;
            userAgent |= e.getKey().equals("user-agent");
            for (String v : e.getValue()) {
                if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)
                    throw new IllegalArgumentException("header %s has a line break in its value".formatted(e.getKey()));
                head.append(e.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        if (!userAgent) head.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        RequestBody body = request.body();
        long length = body.length();
        String method = request.method();
        // Registries answer 411 to a POST or PUT without a length; an empty body says 0.
        if (length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
            head.append("Content-Length: ").append(length).append("\r\n");
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body instanceof RequestBody.Bytes(byte[] bytes) && bytes.length <= INLINE_BODY_BYTES) {
            byte[] both = new byte[headBytes.length + bytes.length];
            System.arraycopy(headBytes, 0, both, 0, headBytes.length);
            System.arraycopy(bytes, 0, both, headBytes.length, bytes.length);
            out.write(both);
        } else {
            out.write(headBytes);
            writeBody(out, request, body);
        }
        out.flush();
    }

    private static void writeBody(OutputStream out, Request request, RequestBody body) throws IOException {
        // Fast paths for the bodies we know; any other kind goes through its java.net.http publisher,
        // so a new RequestBody kind works here before it gets a fast path.
        if (body instanceof RequestBody.None) return;
        if (body instanceof RequestBody.Bytes(byte[] bytes)) {
            out.write(bytes);
            return;
        }
        if (body instanceof RequestBody.FileSlice(var file, long offset, long length)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                byte[] buf = new byte[(int) Math.min(FILE_CHUNK_BYTES, Math.max(length, 1))];
                ByteBuffer wrapped = ByteBuffer.wrap(buf);
                long sent = 0;
                while (sent < length) {
                    wrapped.clear().limit((int) Math.min(buf.length, length - sent));
                    int n = ch.read(wrapped, offset + sent);
                    if (n < 0) throw new IOException("%s: file %s ended at %d of %d bytes".formatted(request, file, sent, length));
                    out.write(buf, 0, n);
                    sent += n;
                }
            }
            return;
        }
        writePublished(out, request, body);
    }

    private static void writePublished(OutputStream out, Request request, RequestBody body) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        body.publisher().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);   // each onNext blocks on the socket: that is the flow control
            }

            @Override
            public void onNext(ByteBuffer item) {
                if (done.isDone()) return;
                try {
                    if (item.hasArray()) {
                        out.write(item.array(), item.arrayOffset() + item.position(), item.remaining());
                    } else {
                        byte[] copy = new byte[item.remaining()];
                        item.get(copy);
                        out.write(copy);
                    }
                } catch (IOException e) {
                    subscription.cancel();
                    done.completeExceptionally(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(request + " interrupted sending its body");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
            throw new IOException("%s: reading the request body failed".formatted(request), e.getCause());
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The exchange failed before any answer arrived (on a reused connection: probably closed while idle). */
    private static final class NoAnswer extends IOException {
        final IOException failure;

        NoAnswer(IOException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }
}
