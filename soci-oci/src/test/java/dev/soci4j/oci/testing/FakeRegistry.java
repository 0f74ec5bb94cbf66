package dev.soci4j.oci.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process HTTP/1.1 server on raw sockets, for what a real registry cannot do on demand:
 * the referrers API and injected faults (5xx bursts, 429, resets mid-body, truncated, slow or wrong
 * bodies). One request per connection ({@code Connection: close}), so a fault never leaks into the
 * next exchange. Records every request.
 */
public final class FakeRegistry implements AutoCloseable {
    /** A parsed request; header names lowercase. */
    public record Exchange(String method, String path, Map<String, String> headers, byte[] body) {}

    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange, Reply reply) throws IOException, InterruptedException;
    }

    /** How to answer; each method writes and ends the exchange. */
    public static final class Reply {
        private final Socket socket;
        private final OutputStream out;

        Reply(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        private void head(int status, Map<String, String> headers, long length) throws IOException {
            StringBuilder sb = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            if (length >= 0) sb.append("Content-Length: ").append(length).append("\r\n");
            out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        public void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            head(status, headers, body.length);
            out.write(body);
            out.flush();
        }

        /** Declares the full length, sends {@code cut} bytes, then resets the connection (RST). */
        public void sendThenReset(int status, Map<String, String> headers, byte[] body, int cut) throws IOException {
            head(status, headers, body.length);
            out.write(body, 0, cut);
            out.flush();
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Declares the full length, sends {@code cut} bytes, then closes normally (FIN): a truncated body. */
        public void sendTruncated(int status, Map<String, String> headers, byte[] body, int cut) throws IOException {
            head(status, headers, body.length);
            out.write(body, 0, cut);
            out.flush();
            socket.shutdownOutput();
        }

        /** Sends the body in pieces with pauses. */
        public void sendSlowly(int status, Map<String, String> headers, byte[] body, int piece, long pauseMillis) throws IOException, InterruptedException {
            head(status, headers, body.length);
            for (int off = 0; off < body.length; off += piece) {
                out.write(body, off, Math.min(piece, body.length - off));
                out.flush();
                Thread.sleep(pauseMillis);
            }
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Exchange> seen = new CopyOnWriteArrayList<>();
    private volatile Handler handler;

    public FakeRegistry(Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    public void handler(Handler newHandler) {
        this.handler = newHandler;
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Exchange> requests() {
        return List.copyOf(seen);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) return;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            byte[] body = headers.containsKey("content-length") ? in.readNBytes(Integer.parseInt(headers.get("content-length"))) : new byte[0];
            String[] parts = requestLine.split(" ");
            Exchange ex = new Exchange(parts[0], parts[1], headers, body);
            seen.add(ex);
            handler.handle(ex, new Reply(socket));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client sees a closed connection
        }
    }

    private static String line(InputStream in) throws IOException {
        List<Byte> bytes = new ArrayList<>();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') break;
            if (b != '\r') bytes.add((byte) b);
        }
        byte[] arr = new byte[bytes.size()];
        for (int i = 0; i < arr.length; i++) arr[i] = bytes.get(i);
        return new String(arr, StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes=a-b} or {@code bytes=a-} → [a, b] within the body; null without Range. */
    public static long[] range(Exchange ex, long size) {
        String r = ex.headers().get("range");
        if (r == null) return null;
        String[] ab = r.substring("bytes=".length()).split("-", -1);
        long a = Long.parseLong(ab[0]);
        long b = ab[1].isEmpty() ? size - 1 : Math.min(Long.parseLong(ab[1]), size - 1);
        return new long[] {a, b};
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
