package dev.soci4j.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.builder.service.SenderAuth;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service against a real docker-registry sending it notifications, images pushed with skopeo. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class BuilderServiceIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    final HttpClient http = HttpClient.newHttpClient();

    static BuilderConfig config(Path dir, int port, String extra) throws Exception {
        return BuilderConfig.parse("""
                server: {listen: "127.0.0.1:%d", maxBodyBytes: 64KiB}
                auth: {secret: %s}
                filters: {include: ["app*:*"]}
                build: {minLayerSize: 0}
                queue: {dir: %s, workers: 2, backoffBase: 200ms, backoffMax: 1s}
                %s""".formatted(port, RegistryFixture.SECRET, dir.resolve("builder"), extra), dir);
    }

    HttpResponse<String> post(int port, String header, String value, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (header != null) b.header(header, value);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pushedImageGetsIndexedAndFiltersAreHonoured(@TempDir Path dir, Random random) throws Exception {
        int port = LocalRegistry.freePort();
        try (RegistryFixture reg = RegistryFixture.start(dir.resolve("registry"), port);
             BuilderService service = BuilderService.start(config(dir, port, ""), CredentialSource.ANONYMOUS, true)) {
            var staged = reg.stage("one", random);
            reg.skopeoCopy(staged, "other:v1");
            reg.skopeoCopy(staged, "app:v1");

            Descriptor converted = reg.awaitTag("app:v1-soci", WAIT);
            ImageIndex index = (ImageIndex) reg.client.pullManifest(reg.ref("app:v1-soci")).parse();
            assertThat(index.manifests()).anyMatch(d -> MediaTypes.SOCI_INDEX_V2.equals(d.artifactType()));
            assertThat(converted.digest()).isNotEqualTo(reg.head("app:v1").orElseThrow().digest());

            // the converted image's own push event comes back and is recognised as soci4j's output
            RegistryFixture.await("the -soci push filtered", WAIT, () -> service.metrics().render()
                    .contains("soci_builder_events_filtered_total{reason=\"soci_output\"}"));
            RegistryFixture.await("queue drained", WAIT, () -> service.metrics().render().contains("soci_builder_queue_depth 0"));
            assertThat(reg.head("other:v1-soci")).as("not matched by app*:*").isEmpty();
            assertThat(reg.head("staging/one:src-soci")).isEmpty();
            assertThat(service.metrics().builds("ok")).isEqualTo(1);

            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("soci_builder_builds_total{outcome=\"ok\"} 1", "soci_builder_events_received_total{source=\"distribution\"}",
                    "soci_builder_events_filtered_total{reason=\"not_included\"}", "soci_builder_build_duration_seconds_count 1");
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rejectsWrongSendersMalformedAndOversizedBodies(@TempDir Path dir) throws Exception {
        int port = LocalRegistry.freePort();
        try (BuilderService service = BuilderService.start(config(dir, port, ""), CredentialSource.ANONYMOUS, false)) {
            byte[] ok = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
            String header = BuilderConfig.Auth.DEFAULT_SECRET_HEADER;
            assertThat(post(port, null, null, ok).statusCode()).isEqualTo(401);
            assertThat(post(port, header, "wrong-secret-wrong-secret", ok).statusCode()).isEqualTo(401);
            assertThat(post(port, header, RegistryFixture.SECRET, ok).statusCode()).isEqualTo(202);
            HttpResponse<String> bad = post(port, header, RegistryFixture.SECRET, "{\"events\":[".getBytes(StandardCharsets.UTF_8));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("not JSON");
            assertThat(post(port, header, RegistryFixture.SECRET, "{\"what\":1}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
            assertThat(post(port, header, RegistryFixture.SECRET, new byte[65 * 1024]).statusCode()).isEqualTo(413);
            assertThat(service.metrics().render()).contains("soci_builder_requests_rejected_total{status=\"401\"} 2",
                    "soci_builder_requests_rejected_total{status=\"413\"} 1");
        }
    }

    @Test
    void hmacModeChecksTheBodySignature(@TempDir Path dir) throws Exception {
        int port = LocalRegistry.freePort();
        BuilderConfig config = BuilderConfig.parse("""
                server: {listen: "127.0.0.1:%d"}
                auth: {mode: hmac, secret: %s}
                queue: {dir: %s}
                """.formatted(port, RegistryFixture.SECRET, dir.resolve("q")), dir);
        try (BuilderService service = BuilderService.start(config, CredentialSource.ANONYMOUS, false)) {
            byte[] body = """
                    {"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                     "digest":"sha256:%s","repository":"app","tag":"v1"},"request":{"host":"127.0.0.1:1"}}]}""".formatted("ab".repeat(32))
                    .getBytes(StandardCharsets.UTF_8);
            String header = BuilderConfig.Auth.DEFAULT_HMAC_HEADER;
            assertThat(post(port, header, SenderAuth.signature("some-other-secret-value", body), body).statusCode()).isEqualTo(401);
            assertThat(post(port, header, RegistryFixture.SECRET, body).statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = post(port, header, SenderAuth.signature(RegistryFixture.SECRET, body), body);
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.body()).contains("\"queued\":1");
            assertThat(post(port, header, SenderAuth.signature(RegistryFixture.SECRET, body), body).body()).contains("\"duplicates\":1");
            assertThat(service.queue().depth()).isEqualTo(1);
        }
    }

    @Test
    void eventsQueuedBeforeARestartAreEachBuiltOnce(@TempDir Path dir, Random random) throws Exception {
        int port = LocalRegistry.freePort();
        BuilderConfig config = config(dir, port, "");
        try (RegistryFixture reg = RegistryFixture.start(dir.resolve("registry"), port)) {
            try (BuilderService intakeOnly = BuilderService.start(config, CredentialSource.ANONYMOUS, false)) {
                for (int i = 0; i < 3; i++) {
                    var staged = reg.stage("img" + i, random);
                    reg.skopeoCopy(staged, "app" + i + ":v1");
                    reg.skopeoCopy(staged, "app" + i + ":v1"); // a second push of the same digest: a duplicate event
                }
                RegistryFixture.await("3 jobs queued", WAIT, () -> intakeOnly.metrics().accepted() == 3);
                assertThat(intakeOnly.queue().depth()).isEqualTo(3);
            } // stopped with 3 accepted, unbuilt jobs: what a crash after the 202s leaves
            try (BuilderService restarted = startRebinding(config)) {
                for (int i = 0; i < 3; i++) reg.awaitTag("app" + i + ":v1-soci", WAIT);
                RegistryFixture.await("queue drained", WAIT, () -> {
                    try {
                        return restarted.queue().depth() == 0;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                assertThat(restarted.metrics().builds("ok")).isEqualTo(3);
                assertThat(restarted.metrics().builds("failed")).isZero();
                assertThat(restarted.queue().deadLetters()).isEmpty();
            }
        }
    }

    /**
     * Starts the service again on the port the registry sends its notifications to. Between the stop
     * and this start, an outgoing connection of the machine may briefly own that port number as its
     * ephemeral local port; the bind is retried for a few seconds, as a restarted service would be.
     */
    private static BuilderService startRebinding(BuilderConfig config) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return BuilderService.start(config, CredentialSource.ANONYMOUS, true);
            } catch (java.net.BindException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }
}
