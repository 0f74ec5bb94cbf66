package dev.soci4j.oci.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.registry.RegistryHostOptions;
import dev.soci4j.oci.registry.TlsContexts;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket transport against an in-process HTTP/1.1 server that keeps connections open (the
 * fault-injection fake closes each one, so it cannot show reuse), writes chunked bodies, and speaks
 * TLS with a certificate from a keytool-made CA.
 */
@ExtendWith(SeededRandom.class)
class SocketTransportTest {
    private Server server;
    private SocketTransport transport;

    @AfterEach
    void close() throws IOException {
        if (transport != null) transport.close();
        if (server != null) server.close();
    }

    private Response send(Request request) throws IOException {
        return transport.intercept(new Step.Chain() {
            @Override public Request request() { return request; }
            @Override public Response proceed(Request r) { throw new IllegalStateException("the transport is last"); }
        });
    }

    private Request get(String path) {
        return Request.of("GET", URI.create(server.base() + path), null);
    }

    private static String head(int status, String... headers) {
        return "HTTP/1.1 " + status + " X\r\n" + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList()) + "\r\n";
    }

    @Test
    void reusesAKeptAliveConnectionOnceTheBodyIsRead(Random random) throws Exception {
        byte[] blob = new byte[3 << 20];
        random.nextBytes(blob);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Content-Length: " + blob.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(blob);
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            try (Response r = send(get("/v2/blob"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().readAllBytes()).isEqualTo(blob);
            }
        }
        assertThat(server.connections()).hasValue(1);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void dropsAConnectionWhoseBodyWasNotReadToTheEnd(Random random) throws Exception {
        byte[] blob = new byte[1 << 20];
        random.nextBytes(blob);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Content-Length: " + blob.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(blob);
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        try (Response r = send(get("/a"))) {
            assertThat(r.body().readNBytes(1000)).isEqualTo(java.util.Arrays.copyOf(blob, 1000));
        }
        try (Response r = send(get("/b"))) {
            assertThat(r.body().readAllBytes()).isEqualTo(blob);
        }
        assertThat(server.connections()).hasValue(2);
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers(Random random) throws Exception {
        byte[] blob = new byte[200_000];
        random.nextBytes(blob);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Transfer-Encoding: chunked").getBytes(StandardCharsets.ISO_8859_1));
            int[] sizes = {1, 70_000, 3, 65_536, 0};
            int at = 0;
            for (int size : sizes) {
                int n = size == 0 ? blob.length - at : size;
                out.write((Integer.toHexString(n) + (n == 3 ? ";ext=1" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(blob, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                at += n;
            }
            out.write("0\r\nX-Trailer: yes\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            try (Response r = send(get("/chunked"))) {
                assertThat(r.body().readAllBytes()).isEqualTo(blob);
            }
        }
        assertThat(server.connections()).as("the connection survives a chunked body").hasValue(1);
    }

    @Test
    void readsFixedAndChunkedBodiesStraightIntoDirectBuffers(Random random) throws Exception {
        byte[] blob = new byte[(3 << 20) + 5];
        random.nextBytes(blob);
        server = new Server(null, (req, out) -> {
            if (req.target().equals("/fixed")) {
                out.write(head(200, "Content-Length: " + blob.length).getBytes(StandardCharsets.ISO_8859_1));
                out.write(blob);
                return;
            }
            out.write(head(200, "Transfer-Encoding: chunked").getBytes(StandardCharsets.ISO_8859_1));
            // chunks smaller and larger than the connection's buffer and the reader's buffers
            int[] sizes = {7, 100_000, 1 << 20, 65_536, 0};
            int at = 0;
            for (int size : sizes) {
                int n = size == 0 ? blob.length - at : size;
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(blob, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                at += n;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        for (int bufferBytes : new int[] {1 << 20, 10_000}) {
            for (String path : List.of("/fixed", "/chunked")) {
                try (Response r = send(get(path))) {
                    assertThat(drain(r.bodyChannel(), ByteBuffer.allocateDirect(bufferBytes))).as(path + " via " + bufferBytes).isEqualTo(blob);
                }
            }
        }
        assertThat(server.connections()).as("each body ends exactly where the next answer starts").hasValue(1);
    }

    @Test
    void aBodyThatStopsArrivingFailsAfterTheIdleTimeout() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Content-Length: 1000000").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100_000]);
            out.flush();
            awaitQuietly(done);   // then silence, connection open
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(200));
        try (Response r = send(get("/stall"))) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            assertThatThrownBy(() -> drain(r.bodyChannel(), buf)).isInstanceOf(HttpConnection.StalledException.class);
        } finally {
            done.countDown();
        }
    }

    @Test
    void noResponseHeadersWithinTheTimeoutIsAnHttpTimeout() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = new Server(null, (req, out) -> awaitQuietly(done));
        transport = new SocketTransport(null, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5));
        try {
            assertThatThrownBy(() -> send(get("/silent"))).isInstanceOf(java.net.http.HttpTimeoutException.class)
                    .hasMessageContaining("no response headers");
        } finally {
            done.countDown();
        }
    }

    @Test
    void anInterruptEndsABodyReadThatWaits() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Content-Length: 1000000").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100_000]);
            out.flush();
            awaitQuietly(done);
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        try (Response r = send(get("/stall"))) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> drain(r.bodyChannel(), ByteBuffer.allocateDirect(1 << 20))).isInstanceOf(InterruptedIOException.class);
        } finally {
            Thread.interrupted();
            done.countDown();
        }
    }

    @Test
    void closingTheResponseFromAnotherThreadEndsAWaitingRead() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = new Server(null, (req, out) -> {
            out.write(head(200, "Content-Length: 1000000").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100_000]);
            out.flush();
            awaitQuietly(done);
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        try {
            Response r = send(get("/stall"));
            java.util.concurrent.CompletableFuture<byte[]> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return drain(r.bodyChannel(), ByteBuffer.allocateDirect(1 << 20));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (r.body().available() > 0) Thread.onSpinWait();   // the reader has taken what arrived
            r.close();
            // well within the 60 s the read would otherwise wait
            assertThatThrownBy(() -> reader.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.io.UncheckedIOException.class)
                    .hasRootCauseInstanceOf(IOException.class);
        } finally {
            done.countDown();
        }
    }

    @Test
    void runsTheWhileWaitingTaskBeforeReadingTheAnswer() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        // the server answers only once the task ran: had the transport waited for the answer first, it would time out
        server = new Server(null, (req, out) -> {
            awaitQuietly(ran);
            out.write((head(200, "Content-Length: 2") + "ok").getBytes(StandardCharsets.ISO_8859_1));
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (Response r = send(get("/x").whileWaiting(ran::countDown))) {
            assertThat(r.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
        }
    }

    private static byte[] drain(ReadableByteChannel channel, ByteBuffer buf) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (channel.read(buf.clear()) >= 0) {
            buf.flip();
            byte[] chunk = new byte[buf.remaining()];
            buf.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void headAnswersHaveNoBodyWhateverTheirContentLength() throws Exception {
        server = new Server(null, (req, out) -> {
            if (req.method().equals("HEAD")) out.write(head(200, "Content-Length: 12345", "Docker-Content-Digest: sha256:x").getBytes(StandardCharsets.ISO_8859_1));
            else out.write((head(200, "Content-Length: 2") + "ok").getBytes(StandardCharsets.ISO_8859_1));
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        try (Response r = send(Request.of("HEAD", URI.create(server.base() + "/v2/x"), null))) {
            assertThat(r.contentLength()).hasValue(12345);
            assertThat(r.header("docker-content-digest")).hasValue("sha256:x");
            assertThat(r.body().read()).isEqualTo(-1);
        }
        try (Response r = send(get("/v2/x"))) {
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok");
        }
        assertThat(server.connections()).hasValue(1);
    }

    @Test
    void sendsBodiesWithTheirLengthAndEmptyPostsWithZero(@TempDir Path dir, Random random) throws Exception {
        byte[] big = new byte[(3 << 20) + 17];
        random.nextBytes(big);
        Path file = dir.resolve("f");
        Files.write(file, big);
        server = new Server(null, (req, out) -> out.write(head(201, "Content-Length: 0").getBytes(StandardCharsets.ISO_8859_1)));
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        URI uri = URI.create(server.base() + "/up?digest=sha256%3Aab");
        send(Request.of("POST", uri, null)).close();
        send(Request.of("PUT", uri, null).withBody(RequestBody.of(new byte[] {1, 2, 3}))).close();
        send(Request.of("PATCH", uri, null).withBody(RequestBody.of(file, 5, big.length - 5))).close();
        List<Exchange> seen = server.requests();
        assertThat(seen).extracting(Exchange::target).containsOnly("/up?digest=sha256%3Aab");
        assertThat(seen.get(0).headers()).containsEntry("content-length", "0");
        assertThat(seen.get(1).body()).containsExactly(1, 2, 3);
        assertThat(seen.get(2).body()).isEqualTo(java.util.Arrays.copyOfRange(big, 5, big.length));
        assertThat(server.connections()).hasValue(1);
    }

    @Test
    void resendsOnAFreshConnectionWhenAPooledOneWasClosedWhileIdle() throws Exception {
        AtomicInteger served = new AtomicInteger();
        server = new Server(null, (req, out) -> {
            out.write((head(200, "Content-Length: 2") + "ok").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            served.incrementAndGet();
            throw new Server.CloseConnection();   // as a server whose idle timeout passed
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            try (Response r = send(get("/x"))) {
                assertThat(r.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
            }
            Thread.sleep(20);   // let the close reach the client first
        }
        assertThat(served).hasValue(3);
        assertThat(server.connections()).hasValue(3);
    }

    @Test
    void honoursConnectionCloseAndReadsBodiesEndedByTheClose() throws Exception {
        server = new Server(null, (req, out) -> {
            out.write((head(200, "Connection: close") + "until the end").getBytes(StandardCharsets.ISO_8859_1));
            throw new Server.CloseConnection();
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            try (Response r = send(get("/x"))) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("until the end");
            }
        }
        assertThat(server.connections()).hasValue(2);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnError() throws Exception {
        server = new Server(null, (req, out) -> {
            out.write((head(200, "Content-Length: 10") + "short").getBytes(StandardCharsets.ISO_8859_1));
            throw new Server.CloseConnection();
        });
        transport = new SocketTransport(null, Duration.ofSeconds(5));
        try (Response r = send(get("/x"))) {
            assertThatThrownBy(() -> r.body().readAllBytes()).isInstanceOf(java.io.EOFException.class).hasMessageContaining("5 bytes before");
        }
    }

    @Test
    void speaksTlsTrustingACustomCaAndCheckingTheHostName(@TempDir Path dir) throws Exception {
        Path caPem = TestCa.create(dir);
        server = new Server(TestCa.serverContext(dir), (req, out) -> out.write((head(200, "Content-Length: 3") + "tls").getBytes(StandardCharsets.ISO_8859_1)));

        transport = new SocketTransport(TlsContexts.forOptions(new RegistryHostOptions(false, false, caPem)), Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            try (Response r = send(get("/v2/"))) {
                byte[] body = i == 0 ? r.body().readAllBytes() : drain(r.bodyChannel(), ByteBuffer.allocateDirect(1 << 20));
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("tls");
            }
        }
        assertThat(server.connections()).hasValue(1);
        // the certificate names 127.0.0.1 and localhost only
        URI otherName = URI.create("https://127.0.0.2:" + server.port() + "/v2/");
        assertThatThrownBy(() -> send(Request.of("GET", otherName, null))).isInstanceOf(SSLException.class);
        transport.close();

        transport = new SocketTransport(null, Duration.ofSeconds(5));
        assertThatThrownBy(() -> send(get("/v2/"))).as("the JDK's CAs do not know ours").isInstanceOf(SSLException.class);
        transport.close();

        transport = new SocketTransport(TlsContexts.forOptions(new RegistryHostOptions(false, true, null)), Duration.ofSeconds(5));
        try (Response r = send(Request.of("GET", otherName, null))) {
            assertThat(r.status()).as("insecure: any certificate, any name").isEqualTo(200);
        }
    }

    /** A CA and a server certificate for 127.0.0.1 and localhost it signed, made with the JDK's keytool. */
    static final class TestCa {
        static final String PASS = "changeit";

        static Path create(Path dir) throws Exception {
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=soci4j test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
            keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-validity", "2", "-keystore", "server.p12");
            keytool(dir, "-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
            keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile", "server.pem",
                    "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
            keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-keystore", "server.p12", "-file", "ca.pem");
            keytool(dir, "-importcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
            return dir.resolve("ca.pem");
        }

        static SSLContext serverContext(Path dir) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
                store.load(in, PASS.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, PASS.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }

        private static void keytool(Path dir, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("-storepass", PASS, "-storetype", "PKCS12"));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    record Exchange(String method, String target, Map<String, String> headers, byte[] body) {}

    /** HTTP/1.1 with keep-alive: serves requests on a connection until the handler closes it or the client does. */
    static final class Server implements AutoCloseable {
        interface Handler {
            void handle(Exchange request, OutputStream out) throws IOException;
        }

        /** Thrown by a handler to close the connection after its answer. */
        static final class CloseConnection extends IOException {}

        private final ServerSocket socket;
        private final Handler handler;
        private final AtomicInteger connections = new AtomicInteger();
        private final List<Exchange> requests = new CopyOnWriteArrayList<>();
        private final boolean tls;

        Server(SSLContext tls, Handler handler) throws IOException {
            this.tls = tls != null;
            this.socket = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                    : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
            this.handler = handler;
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        String base() { return (tls ? "https" : "http") + "://127.0.0.1:" + port(); }

        int port() { return socket.getLocalPort(); }

        AtomicInteger connections() { return connections; }

        List<Exchange> requests() { return List.copyOf(requests); }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String line = line(in);
                    if (line == null || line.isEmpty()) return;
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
                        int colon = h.indexOf(':');
                        headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
                    }
                    byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                    String[] parts = line.split(" ");
                    Exchange ex = new Exchange(parts[0], parts[1], headers, body);
                    requests.add(ex);
                    handler.handle(ex, out);
                    out.flush();
                }
            } catch (IOException closedOrDone) {
                // the connection ends
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') return bytes.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
                bytes.write(b);
            }
            return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
