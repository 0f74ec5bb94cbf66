package dev.soci4j.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.builder.queue.Job;
import dev.soci4j.builder.queue.JobQueue;
import dev.soci4j.builder.queue.PostgresQueue;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several builder instances sharing one PostgreSQL queue (their own cluster, started here). */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class ScaleOutIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static PostgresCluster pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresCluster.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) pg.close();
    }

    static JobQueue.Offer offer(String repo) {
        BuildTarget t = new BuildTarget("reg", repo, "v1", Digest.of(repo.getBytes()));
        return new JobQueue.Offer(t.key(BuilderConfig.Mode.V2), t);
    }

    @Test
    void claimsSkipLockedRowsAndExpiredLeasesComeBack() throws Exception {
        String db = "q" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(pg.url(), "soci", null)) {
            c.createStatement().execute("CREATE DATABASE " + db);
        }
        String url = pg.url().replace("/postgres", "/" + db);
        try (PostgresQueue a = PostgresQueue.open(url, "soci", null, "a", 2);
             PostgresQueue b = PostgresQueue.open(url, "soci", null, "b", 2)) {
            assertThat(a.offer(List.of(offer("x"), offer("y"), offer("x")))).isEqualTo(2);
            assertThat(b.offer(List.of(offer("y")))).isZero();
            Job ja = a.claim(Duration.ofSeconds(1)).orElseThrow();
            Job jb = b.claim(Duration.ofSeconds(60)).orElseThrow();
            assertThat(ja.id()).isNotEqualTo(jb.id());
            assertThat(b.claim(Duration.ofSeconds(60))).isEmpty();
            Thread.sleep(1500); // a's lease runs out: the instance "died"
            Job taken = b.claim(Duration.ofSeconds(60)).orElseThrow();
            assertThat(taken.id()).isEqualTo(ja.id());
            assertThat(taken.attempt()).isEqualTo(2);
            assertThat(a.complete(ja, "late")).as("a lost its claim").isFalse();
            assertThat(b.complete(taken, "built")).isTrue();
            b.deadLetter(jb, "after 1 attempt(s): broken");
            assertThat(a.deadLetters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("broken"));
            assertThat(a.offer(List.of(offer("y")))).as("dead key queued again by a new push").isEqualTo(1);
            assertThat(a.depth()).isEqualTo(1);
        }
    }

    /**
     * Instance "child" is a separate JVM ({@code BuilderService.main}) whose registry address is a socket
     * that accepts and never answers: it claims a job and hangs mid-build until it is killed with
     * SIGKILL. Instance "a" (in this JVM) builds the rest and, once the dead child's lease expires,
     * that job too. Every image gets indexed, every job completes once, none twice.
     */
    @Test
    void killedInstancesJobIsReclaimedAndEveryImageIndexedOnce(@TempDir Path dir, Random random) throws Exception {
        String db = "s" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(pg.url(), "soci", null)) {
            c.createStatement().execute("CREATE DATABASE " + db);
        }
        String url = pg.url().replace("/postgres", "/" + db);
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"));
             RegistryClient client = RegistryClient.builder().build();
             ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(blackHole.accept());
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            int images = 6;
            StringBuilder events = new StringBuilder("{\"events\":[");
            for (int i = 0; i < images; i++) {
                ImageReference ref = ImageReference.parse(registry.address() + "/app" + i + ":v1");
                Digest digest = TestImage.push(client, ref, random).digest();
                events.append(i == 0 ? "" : ",").append("""
                        {"action":"push","target":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","repository":"app%d","tag":"v1"},
                         "request":{"host":"%s"}}""".formatted(digest, i, registry.address()));
            }
            events.append("]}");

            int childPort = LocalRegistry.freePort();
            Path childConfig = dir.resolve("child.yml");
            Files.writeString(childConfig, config(childPort, url, "child", 1, dir.resolve("child-data"))
                    + "registries: {\"%s\": {address: \"127.0.0.1:%d\", plainHttp: true}}\n".formatted(registry.address(), blackHole.getLocalPort()));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    BuilderService.class.getName(), childConfig.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + childPort + "/events"))
                        .header(BuilderConfig.Auth.DEFAULT_SECRET_HEADER, RegistryFixture.SECRET)
                        .POST(HttpRequest.BodyPublishers.ofString(events.toString())).build();
                RegistryFixture.await("child accepts events", WAIT, () -> {
                    try {
                        return http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode() == 202;
                    } catch (Exception notYet) {
                        return false;
                    }
                });
                RegistryFixture.await("child is mid-build", WAIT, () -> count(url, "status = 'running' AND lease_owner = 'child'") == 1);

                BuilderConfig aConfig = BuilderConfig.parse(config(LocalRegistry.freePort(), url, "a", 2, dir.resolve("a-data")), dir);
                try (BuilderService a = BuilderService.start(aConfig, CredentialSource.ANONYMOUS, true)) {
                    RegistryFixture.await("a builds the other images", WAIT, () -> count(url, "status = 'done'") == images - 1);
                    assertThat(count(url, "status = 'running' AND lease_owner = 'child'")).isEqualTo(1);
                    child.destroyForcibly(); // SIGKILL
                    child.waitFor();
                    RegistryFixture.await("a takes over the killed child's job", WAIT, () -> count(url, "status = 'done'") == images);
                    assertThat(a.metrics().builds("ok")).isEqualTo(images);
                }
                assertThat(count(url, "completions = 1")).isEqualTo(images);
                assertThat(count(url, "attempts = 2")).as("only the killed child's job was tried twice").isEqualTo(1);
                assertThat(count(url, "status = 'dead'")).isZero();
                for (int i = 0; i < images; i++)
                    assertThat(client.headManifest(ImageReference.parse(registry.address() + "/app" + i + ":v1-soci"))).isPresent();
            } finally {
                child.destroyForcibly();
                for (Socket s : held) s.close();
            }
        }
    }

    static String config(int port, String url, String instance, int workers, Path data) {
        return """
                server: {listen: "127.0.0.1:%d"}
                auth: {secret: %s}
                build: {minLayerSize: 0}
                queue: {kind: postgres, dir: %s, workers: %d, lease: 2s, backoffBase: 200ms, backoffMax: 1s,
                        postgres: {url: "%s", user: soci, instanceId: %s}}
                """.formatted(port, RegistryFixture.SECRET, data, workers, url, instance);
    }

    static long count(String url, String where) {
        try (Connection c = DriverManager.getConnection(url, "soci", null);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM soci_builder_jobs WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
