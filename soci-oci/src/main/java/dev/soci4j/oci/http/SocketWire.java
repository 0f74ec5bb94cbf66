package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS on a blocking {@link SSLSocket}. TLS decrypts into heap arrays anyway, so heap buffers are
 * read as they are and direct ones through a scratch array; the read timeout is the socket's.
 */
final class SocketWire implements Wire {
    /** Larger than a TLS record (16 KiB), so one read hands over what one record decrypted to. */
    private static final int SCRATCH_BYTES = 64 << 10;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peer;
    private byte[] scratch;

    private SocketWire(Socket socket, String peer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peer = peer;
    }

    /** Connects and completes the TLS handshake, checking the certificate against {@code host}. */
    static SocketWire connect(String host, int port, SSLContext tls, Duration connectTimeout, Duration handshakeTimeout) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);   // request heads go out in one write; no Nagle wait
            raw.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            // Host name checked against the certificate, as java.net.http does; the insecure trust
            // manager of TlsContexts is an X509ExtendedTrustManager and skips this by design.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.setSoTimeout((int) handshakeTimeout.toMillis());
            ssl.startHandshake();
            return new SocketWire(ssl, host + ":" + port);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            if (dst.hasArray()) {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) dst.position(dst.position() + n);
                return n;
            }
            if (scratch == null) scratch = new byte[SCRATCH_BYTES];
            int n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
            if (n > 0) dst.put(scratch, 0, n);
            return n;
        } catch (SocketTimeoutException e) {
            // A SocketTimeoutException is an InterruptedIOException, which the retry step and the blob
            // readers treat as the caller's interrupt; a silent peer is a broken exchange instead.
            throw new HttpConnection.StalledException("no bytes from " + peer + " for " + socket.getSoTimeout() + " ms", e);
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        } else {
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            out.write(copy);
        }
        out.flush();
    }

    @Override
    public void timeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }

    @Override
    public ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocate(bytes);
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the connection is gone either way
        }
    }
}
