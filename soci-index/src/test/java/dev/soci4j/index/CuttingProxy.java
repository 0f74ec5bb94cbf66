package dev.soci4j.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay in front of a real registry that breaks the link for good once clients have
 * sent {@code budgetBytes}: every open connection is reset and new ones are closed at once. It
 * stands for a destination that fails in the middle of an upload, which a real registry does not do
 * on demand; what is left behind is then checked on the registry itself.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long budgetBytes;
    private final AtomicLong sent = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    CuttingProxy(int targetPort, long budgetBytes) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.budgetBytes = budgetBytes;
        Thread.ofVirtual().name("cutting-proxy").start(this::accept);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    boolean wasCut() {
        return cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> relay(client, upstream, true));
                Thread.ofVirtual().start(() -> relay(upstream, client, false));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, boolean counted) {
        byte[] buf = new byte[64 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (counted && sent.addAndGet(n) > budgetBytes) {
                    cutAll();
                    return;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ended) {
            // the other side or the cut closed it
        }
    }

    private void cutAll() {
        cut = true;
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // a reset, not a clean end
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
