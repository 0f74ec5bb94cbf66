package dev.soci4j.builder.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.event.MalformedEventException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: {@code POST <path>} takes notifications and answers as soon as they are durable:
 * 413 for a body over the limit (by Content-Length, without reading it, or while reading), 401 unless
 * the sender authenticates, 400 for a body no parser understands, 503 when the queue cannot store it
 * (senders retry), else 202 with what was queued. {@code GET /healthz} (the process answers),
 * {@code /readyz} (queue reachable, workers running) and {@code /metrics} (Prometheus text).
 * One virtual thread per request. Close to stop.
 */
public final class WebhookServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    public WebhookServer(BuilderConfig.Server config, SenderAuth auth, EventIntake intake, BuilderMetrics metrics, BooleanSupplier ready)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(config.path(), exchange -> handle(exchange, () -> events(exchange, config.maxBodyBytes(), auth, intake, metrics)));
        server.createContext("/healthz", exchange -> handle(exchange, () -> get(exchange, 200, "text/plain", "ok\n")));
        server.createContext("/readyz", exchange -> handle(exchange, () -> {
            boolean ok = ready.getAsBoolean();
            get(exchange, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready: queue or workers down\n");
        }));
        server.createContext("/metrics", exchange -> handle(exchange, () -> get(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render())));
        server.start();
        log.atInfo().addKeyValue("address", server.getAddress()).addKeyValue("path", config.path()).log("builder listening");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @FunctionalInterface
    private interface Handler {
        void run() throws IOException;
    }

    private static void handle(HttpExchange exchange, Handler handler) {
        try (exchange) {
            handler.run();
        } catch (IOException | RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("path", exchange.getRequestURI().getPath()).log("request failed");
        }
    }

    private static void get(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            respond(exchange, 405, "{\"error\":\"use GET\"}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", contentType);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void events(HttpExchange exchange, long maxBody, SenderAuth auth, EventIntake intake, BuilderMetrics metrics) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reject(exchange, metrics, 405, "use POST");
            return;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBody) {
                    reject(exchange, metrics, 413, "body over " + maxBody + " bytes");
                    return;
                }
            } catch (NumberFormatException e) {
                reject(exchange, metrics, 400, "bad Content-Length");
                return;
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
        }
        if (body.length > maxBody) {
            reject(exchange, metrics, 413, "body over " + maxBody + " bytes");
            return;
        }
        if (!auth.accepts(exchange.getRequestHeaders().getFirst(auth.header()), body)) {
            reject(exchange, metrics, 401, "missing or wrong " + auth.header());
            return;
        }
        EventIntake.Result result;
        try {
            result = intake.accept(body);
        } catch (MalformedEventException e) {
            reject(exchange, metrics, 400, e.getMessage());
            return;
        } catch (IOException e) {
            log.atError().setCause(e).log("could not queue events; answered 503 so the sender retries");
            reject(exchange, metrics, 503, "queue unavailable");
            return;
        }
        respond(exchange, 202, "{\"events\":%d,\"queued\":%d,\"duplicates\":%d,\"filtered\":%d,\"ignored\":%d}"
                .formatted(result.events(), result.queued(), result.duplicates(), result.filtered(), result.ignored()));
    }

    private static void reject(HttpExchange exchange, BuilderMetrics metrics, int status, String message) throws IOException {
        metrics.rejected(status);
        log.atDebug().addKeyValue("status", status).addKeyValue("remote", exchange.getRemoteAddress()).log(message);
        respond(exchange, status, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "'").replace("\n", " ") + "\"}");
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.close();
    }
}
