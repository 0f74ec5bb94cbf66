package dev.soci4j.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only OCI distribution endpoint over one OCI layout directory, on loopback: {@code /v2/},
 * manifests by tag or digest and blobs with single {@code Range: bytes=a-b} requests (206, or 416 when
 * unsatisfiable), which is what a lazy reader needs. Any repository name maps to the same layout.
 * Counts the blob bytes it serves. Used by the demo; stopped by {@link #close()}.
 */
public final class LayoutRegistry implements AutoCloseable {
    private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$");
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d+)-(\\d*)$");

    private final OciLayoutDirectory layout;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong blobBytesServed = new AtomicLong();
    private final AtomicLong blobRequests = new AtomicLong();

    public LayoutRegistry(OciLayoutDirectory layout) throws IOException {
        this.layout = layout;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image references. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public long blobBytesServed() {
        return blobBytesServed.get();
    }

    public long blobRequests() {
        return blobRequests.get();
    }

    public void resetCounters() {
        blobBytesServed.set(0);
        blobRequests.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                error(exchange, 405, "UNSUPPORTED", "this registry is read-only");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
            if (path.equals("/v2/") || path.equals("/v2")) {
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
                return;
            }
            Matcher m = MANIFEST.matcher(path);
            if (m.matches()) {
                manifest(exchange, m.group(2), head);
                return;
            }
            m = BLOB.matcher(path);
            if (m.matches()) {
                blob(exchange, Digest.parse(m.group(2)), head);
                return;
            }
            error(exchange, 404, "NOT_FOUND", "no route for " + path);
        } catch (IOException | RuntimeException e) {
            // the client went away or the layout is unreadable: nothing more to send
        }
    }

    private void manifest(HttpExchange exchange, String reference, boolean head) throws IOException {
        RawManifest manifest;
        try {
            manifest = layout.manifest(reference);
        } catch (IOException e) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest " + reference + " unknown");
            return;
        }
        exchange.getResponseHeaders().set("Docker-Content-Digest", manifest.digest().toString());
        send(exchange, 200, manifest.mediaType(), manifest.bytes(), head);
    }

    private void blob(HttpExchange exchange, Digest digest, boolean head) throws IOException {
        Path file = layout.blobPath(digest);
        if (!Files.isRegularFile(file)) {
            error(exchange, 404, "BLOB_UNKNOWN", "blob " + digest + " unknown");
            return;
        }
        long size = Files.size(file);
        long start = 0;
        long end = size;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher r = RANGE.matcher(range.trim());
            long first = r.matches() ? Long.parseLong(r.group(1)) : -1;
            long last = r.matches() && !r.group(2).isEmpty() ? Long.parseLong(r.group(2)) : size - 1;
            if (first < 0 || first >= size || last < first) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                error(exchange, 416, "RANGE_NOT_SATISFIABLE", "range " + range + " of a " + size + "-byte blob");
                return;
            }
            start = first;
            end = Math.min(last + 1, size);
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes %d-%d/%d".formatted(start, end - 1, size));
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/octet-stream");
        headers.set("Docker-Content-Digest", digest.toString());
        headers.set("Accept-Ranges", "bytes");
        long length = end - start;
        if (head) {
            headers.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        blobRequests.incrementAndGet();
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (FileChannel channel = FileChannel.open(file); OutputStream body = exchange.getResponseBody()) {
            long sent = 0;
            var out = Channels.newChannel(body);
            while (sent < length) {
                long n = channel.transferTo(start + sent, length - sent, out);
                if (n <= 0) break;
                sent += n;
                blobBytesServed.addAndGet(n);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        String json = "{\"errors\":[{\"code\":\"%s\",\"message\":\"%s\"}]}".formatted(code, message.replace("\"", "'"));
        send(exchange, status, "application/json", json.getBytes(StandardCharsets.UTF_8),
                exchange.getRequestMethod().equals("HEAD"));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
