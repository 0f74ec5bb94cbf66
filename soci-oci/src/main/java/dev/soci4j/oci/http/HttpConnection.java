package dev.soci4j.oci.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection on a blocking socket (TLS through an {@link SSLSocket} for https): a read
 * buffer for status lines, headers and chunk sizes, and reads that bypass it for large body reads so
 * bodies land straight in the caller's array. Used by one exchange at a time; the pool hands it on.
 */
final class HttpConnection implements AutoCloseable {
    /**
     * Holds response heads and small bodies. Body reads of at least this size skip it: copying through
     * it would cost a pass over every byte of a 1 GiB blob.
     */
    static final int BUFFER_BYTES = 64 << 10;
    /** Response heads past this are refused rather than buffered without limit (Go's server allows 1 MiB of request headers). */
    static final int MAX_HEAD_BYTES = 1 << 20;

    private final String authority;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;
    private long idleSinceNanos;
    private int exchanges;

    private HttpConnection(String authority, Socket socket) throws IOException {
        this.authority = authority;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code host:port}, with a TLS handshake when {@code tls} is given. */
    static HttpConnection open(String authority, String host, int port, SSLContext tls, Duration connectTimeout, Duration handshakeTimeout) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);   // request heads and small bodies go out in one write each; no Nagle wait
            raw.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            if (tls == null) return new HttpConnection(authority, raw);
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            // Host name checked against the certificate, as java.net.http does; the insecure trust
            // manager of TlsContexts is an X509ExtendedTrustManager and skips this by design.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.setSoTimeout((int) handshakeTimeout.toMillis());
            ssl.startHandshake();
            return new HttpConnection(authority, ssl);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    String authority() { return authority; }

    /** How many exchanges this connection carried before the current one (0: fresh). */
    int exchanges() { return exchanges; }

    void startExchange() { exchanges++; }

    long idleSinceNanos() { return idleSinceNanos; }

    void markIdle() { idleSinceNanos = System.nanoTime(); }

    void timeout(Duration d) throws SocketException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    OutputStream out() { return out; }

    /** Whether a fresh read would block: an idle pooled connection with buffered bytes or EOF is not reusable. */
    boolean isReusable() {
        return !socket.isClosed() && pos == limit;
    }

    /** One CRLF- (or LF-) terminated line, without the terminator; null at EOF before any byte. */
    String readLine() throws IOException {
        StringBuilder line = null;
        int total = 0;
        while (true) {
            if (pos == limit && !fill()) {
                if (line == null) return null;
                throw new EOFException("connection closed inside a header line");
            }
            if (line == null) line = new StringBuilder();
            int start = pos;
            while (pos < limit && buf[pos] != '\n') pos++;
            total += pos - start;
            if (total > MAX_HEAD_BYTES) throw new IOException("response header line longer than " + MAX_HEAD_BYTES + " bytes");
            line.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
            if (pos < limit) {
                pos++;   // the '\n'
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
                return line.toString();
            }
        }
    }

    /**
     * Reads up to {@code len} body bytes: buffered ones first, then, for reads as large as the
     * buffer, from the socket straight into {@code b}. Returns -1 at EOF.
     */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= BUFFER_BYTES) return socketRead(b, off, len);
        if (!fill()) return -1;
        return read(b, off, len);
    }

    /** Bytes readable without blocking from the buffer. */
    int buffered() {
        return limit - pos;
    }

    private boolean fill() throws IOException {
        int n = socketRead(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }

    private int socketRead(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            // A SocketTimeoutException is an InterruptedIOException, which the retry step and the blob
            // readers treat as the caller's interrupt; a silent peer is a broken exchange instead.
            throw new StalledException("no bytes from " + authority + " for " + socket.getSoTimeout() + " ms", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the connection is gone either way
        }
    }

    /** The peer sent nothing within the socket timeout. */
    static final class StalledException extends IOException {
        StalledException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
