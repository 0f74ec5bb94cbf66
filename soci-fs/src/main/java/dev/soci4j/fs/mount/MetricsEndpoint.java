package dev.soci4j.fs.mount;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.soci4j.fs.fuse.FuseOperationStats;
import dev.soci4j.fs.span.LayerStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link ImageMount}'s counters at {@code GET /metrics} in the Prometheus text format
 * (version 0.0.4) with the JDK's HTTP server: FUSE requests by layer and opcode (a summary of their
 * handling time in seconds, plus errors), and per layer the bytes served, bytes fetched, spans fetched
 * on demand and in the background, cache hits and fetch failures. Every value is read at scrape time
 * from the live counters, so nothing is kept here. {@link #close()} stops the server.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code mount}'s metrics at {@code address} (port 0: any free port). */
    public static MetricsEndpoint start(InetSocketAddress address, ImageMount mount) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics at %s: %s".formatted(address, e.getMessage()), e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/metrics", exchange -> answer(exchange, mount));
        server.start();
        log.atInfo().addKeyValue("address", server.getAddress()).log("serving metrics at /metrics");
        return new MetricsEndpoint(server);
    }

    /** Where it listens (the real port when started with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, ImageMount mount) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = render(mount).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** The text exposition of every metric, one {@code # HELP}/{@code # TYPE} block per family. */
    static String render(ImageMount mount) {
        var layers = java.util.List.copyOf(mount.layers());
        StringBuilder sb = new StringBuilder();
        // FUSE requests per layer mount; one merged mount serves all layers and is labelled layer="merged"
        Map<String, FuseOperationStats> fuse = new java.util.LinkedHashMap<>();
        if (mount.merged() != null) fuse.put("layer=\"merged\"", mount.merged().operations());
        for (ImageMount.Layer l : layers) if (l.fuse() != null) fuse.put(layerLabels(l), l.fuse().operations());
        family(sb, "soci_fuse_operation_seconds", "summary", "FUSE requests by layer and opcode: count and total handling time");
        fuse.forEach((layer, ops) -> {
            for (Map.Entry<String, FuseOperationStats.Totals> e : ops.snapshot().entrySet()) {
                String labels = layer + ",op=\"%s\"".formatted(e.getKey());
                sample(sb, "soci_fuse_operation_seconds_count", labels, Long.toString(e.getValue().count()));
                sample(sb, "soci_fuse_operation_seconds_sum", labels, Double.toString(e.getValue().nanos() / 1e9));
            }
        });
        family(sb, "soci_fuse_operation_errors_total", "counter", "FUSE requests answered with an error, by layer and opcode");
        fuse.forEach((layer, ops) -> {
            for (Map.Entry<String, FuseOperationStats.Totals> e : ops.snapshot().entrySet()) {
                sample(sb, "soci_fuse_operation_errors_total", layer + ",op=\"%s\"".formatted(e.getKey()),
                        Long.toString(e.getValue().errors()));
            }
        });
        layerCounter(sb, layers, "soci_layer_bytes_served_total", "Uncompressed bytes of file contents served", s -> s.bytesServed.get());
        layerCounter(sb, layers, "soci_layer_bytes_fetched_total", "Compressed bytes fetched from the registry", s -> s.bytesFetched.get());
        family(sb, "soci_layer_spans_fetched_total", "counter", "Spans fetched, verified and cached, on demand or in the background");
        for (ImageMount.Layer l : layers) {
            sample(sb, "soci_layer_spans_fetched_total", layerLabels(l) + ",mode=\"on_demand\"", Long.toString(l.stats().spansOnDemand.get()));
            sample(sb, "soci_layer_spans_fetched_total", layerLabels(l) + ",mode=\"background\"", Long.toString(l.stats().spansInBackground.get()));
        }
        layerCounter(sb, layers, "soci_layer_cache_hits_total", "Span reads answered from the on-disk cache", s -> s.cacheHits.get());
        layerCounter(sb, layers, "soci_layer_fetch_failures_total", "Span fetches that failed (network, registry or verification)", s -> s.fetchFailures.get());
        return sb.toString();
    }

    private static void layerCounter(StringBuilder sb, java.util.List<ImageMount.Layer> layers, String name, String help,
                                     java.util.function.ToLongFunction<LayerStats> value) {
        family(sb, name, "counter", help);
        for (ImageMount.Layer l : layers) sample(sb, name, layerLabels(l), Long.toString(value.applyAsLong(l.stats())));
    }

    /** A layer's labels: its position in the image and its digest (label values need no escaping: digits and hex). */
    private static String layerLabels(ImageMount.Layer l) {
        return "layer=\"%d\",digest=\"%s\",lazy=\"%s\"".formatted(l.position(), l.descriptor().digest(), l.lazy());
    }

    private static void family(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder sb, String name, String labels, String value) {
        sb.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
