package dev.soci4j.oci.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle keep-alive connections per {@code scheme://host:port}, most recently used first. A connection
 * idle longer than {@link #IDLE_TIMEOUT} is closed instead of reused. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
    /**
     * Below the 60 s idle timeout of common load balancers (AWS ALB, nginx's keepalive_timeout is 75 s),
     * so a pooled connection is rarely one the server already dropped; the transport retries those once anyway.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(50);
    /** Above the default of 8 parallel transfers per host plus manifest and token traffic. */
    static final int MAX_IDLE_PER_AUTHORITY = 16;

    private final Map<String, Deque<HttpConnection>> idle = new HashMap<>();
    private boolean closed;

    /** A reusable idle connection to {@code authority}, or null. */
    HttpConnection take(String authority) {
        List<HttpConnection> expired = new ArrayList<>();
        HttpConnection found = null;
        synchronized (this) {
            Deque<HttpConnection> conns = idle.get(authority);
            long now = System.nanoTime();
            while (conns != null && !conns.isEmpty()) {
                HttpConnection c = conns.pollFirst();
                if (now - c.idleSinceNanos() < IDLE_TIMEOUT.toNanos() && c.isReusable()) {
                    found = c;
                    break;
                }
                expired.add(c);
            }
        }
        expired.forEach(HttpConnection::close);
        return found;
    }

    /** Gives a connection whose last exchange ended cleanly back for reuse. */
    void release(HttpConnection connection) {
        connection.markIdle();
        HttpConnection evicted = null;
        synchronized (this) {
            if (!closed) {
                Deque<HttpConnection> conns = idle.computeIfAbsent(connection.authority(), k -> new ArrayDeque<>());
                conns.addFirst(connection);
                if (conns.size() > MAX_IDLE_PER_AUTHORITY) evicted = conns.pollLast();
                connection = null;
            }
        }
        if (evicted != null) evicted.close();
        if (connection != null) connection.close();
    }

    /** Closes the idle connections; connections in use close when their exchange ends. */
    @Override
    public void close() {
        List<HttpConnection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(HttpConnection::close);
    }
}
