package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Plain HTTP on a non-blocking {@link SocketChannel}, waiting on a selector of its own. Why not a
 * blocking {@link java.net.Socket}: its streams read into a temporary direct buffer and copy into the
 * caller's array, and a file write of that array copies it once more, two extra passes over every
 * byte of a blob on the receiving thread (1 GiB on loopback: ~0.25 s of CPU, when curl needs ~0.65 s
 * in all). A channel reads into the caller's direct buffer as is. Why not a blocking channel: it has
 * no read timeout, and a stalled peer must fail the read ({@link HttpConnection.StalledException}) so
 * the blob readers resume. On JDK 25 a virtual thread waiting in a selector parks, as in a socket
 * read, rather than pinning its carrier.
 */
final class ChannelWire implements Wire {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final String peer;
    private long timeoutMillis;

    private ChannelWire(SocketChannel channel, Selector selector, String peer) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.peer = peer;
        this.key = channel.register(selector, 0);
    }

    /** Connects within {@code connectTimeout}; the channel is non-blocking afterwards. */
    static ChannelWire connect(String host, int port, Duration connectTimeout) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);   // request heads go out in one write; no Nagle wait
            channel.socket().connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            channel.configureBlocking(false);
            selector = Selector.open();
            return new ChannelWire(channel, selector, host + ":" + port);
        } catch (IOException | RuntimeException e) {
            if (selector != null) selector.close();
            channel.close();
            throw e;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        // Try first: while a body streams in, the socket usually has bytes and no wait is needed.
        int n = channel.read(dst);
        while (n == 0) {
            await(SelectionKey.OP_READ);
            n = channel.read(dst);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) await(SelectionKey.OP_WRITE);
        }
    }

    /**
     * Waits until the channel is ready for {@code op}, at most the timeout. Like a blocked socket read,
     * the wait ends early with an exception when the thread is interrupted or another thread closes
     * the connection.
     */
    private void await(int op) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try {
            key.interestOps(op);
            while (selector.select(k -> { }, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)) == 0) {
                if (Thread.currentThread().isInterrupted())
                    throw new InterruptedIOException("interrupted waiting for " + peer);
                if (!channel.isOpen()) throw new AsynchronousCloseException();
                if (System.nanoTime() - deadline >= 0)
                    throw new HttpConnection.StalledException("no progress with " + peer + " for " + timeoutMillis + " ms", null);
            }
        } catch (ClosedSelectorException | CancelledKeyException e) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public void timeout(Duration timeout) {
        timeoutMillis = Math.max(1, timeout.toMillis());
    }

    @Override
    public ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the channel, then the selector, which wakes a thread waiting in it. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the connection is gone either way
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // its channel is closed already
        }
    }
}
