package dev.soci4j.oci.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real CNCF distribution registry ({@code docker-registry serve}, Debian package
 * {@code docker-registry}) on a free loopback port with storage in a temp dir, as jib's
 * LocalRegistry does with {@code registry:2}. Skips the test (assumption) when the binary is missing.
 * Close it to stop the process.
 */
public final class LocalRegistry implements AutoCloseable {
    public static final String BINARY = System.getProperty("soci4j.registry.binary", "/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path dir;
    private final String scheme;

    /** Extra config sections, YAML, appended at top level (auth:) or inside http: (tls:). */
    public record Options(String auth, String httpTls) {
        public static final Options ANONYMOUS = new Options(null, null);
    }

    private LocalRegistry(Process process, int port, Path dir, String scheme) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.scheme = scheme;
    }

    public static LocalRegistry start(Path dir) throws Exception {
        return start(dir, Options.ANONYMOUS);
    }

    public static LocalRegistry start(Path dir, Options options) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BINARY)), "needs " + BINARY + " (Debian package docker-registry)");
        int port = freePort();
        Files.createDirectories(dir.resolve("storage"));
        String config = """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: soci4j-test-secret
                %s%s""".formatted(dir.resolve("storage"), port,
                options.httpTls() == null ? "" : options.httpTls().indent(2),
                options.auth() == null ? "" : options.auth());
        Path configFile = dir.resolve("config.yml");
        Files.writeString(configFile, config);
        Process process = new ProcessBuilder(BINARY, "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        String scheme = options.httpTls() == null ? "http" : "https";
        LocalRegistry registry = new LocalRegistry(process, port, dir, scheme);
        registry.awaitReady();
        return registry;
    }

    private void awaitReady() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        HttpClient client = HttpClient.newBuilder().sslContext(insecure()).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive())
                throw new IllegalStateException("registry exited with %d: %s".formatted(process.exitValue(), Files.readString(dir.resolve("registry.log"))));
            try {
                int status = client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("registry did not answer /v2/ within 30 s: " + Files.readString(dir.resolve("registry.log")));
    }

    private static javax.net.ssl.SSLContext insecure() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        return ctx;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:<port>}, as a reference's registry part. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path storage() {
        return dir.resolve("storage");
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
