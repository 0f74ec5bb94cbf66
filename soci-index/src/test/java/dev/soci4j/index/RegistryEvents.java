package dev.soci4j.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.soci4j.oci.manifest.ManifestJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The real registry's own event log: distribution's {@code notifications} endpoint POSTs every push,
 * mount and pull, in order, to this loopback sink. Gives the push order without a proxy.
 */
final class RegistryEvents implements AutoCloseable {
    /** One event: action (push, mount, pull, delete), repository, media type, digest, tag (may be empty), HTTP method (a HEAD is a pull too). */
    record Event(String action, String repository, String mediaType, String digest, String tag, String method) {}

    private final HttpServer server;
    private final List<Event> events = new ArrayList<>();

    RegistryEvents() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", exchange -> {
            JsonNode body = ManifestJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            synchronized (events) {
                for (JsonNode e : body.path("events")) {
                    JsonNode t = e.path("target");
                    events.add(new Event(e.path("action").asText(), t.path("repository").asText(), t.path("mediaType").asText(),
                            t.path("digest").asText(), t.path("tag").asText(""), e.path("request").path("method").asText("")));
                }
                events.notifyAll();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The registry config section to pass as {@code LocalRegistry.Options.auth} (it is appended at top level). */
    String configSection() {
        return """
                notifications:
                  endpoints:
                    - name: soci4j-test
                      url: http://127.0.0.1:%d/events
                      timeout: 5s
                      threshold: 100
                      backoff: 100ms
                """.formatted(server.getAddress().getPort());
    }

    /** Waits until an event matches (the registry delivers asynchronously), then returns everything so far. */
    List<Event> awaitEvent(java.util.function.Predicate<Event> until) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        synchronized (events) {
            while (events.stream().noneMatch(until)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new AssertionError("no such registry event within 60 s; got " + events);
                events.wait(left);
            }
            return List.copyOf(events);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
