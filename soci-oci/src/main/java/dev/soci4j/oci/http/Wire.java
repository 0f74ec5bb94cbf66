package dev.soci4j.oci.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The byte stream under an {@link HttpConnection}: a {@link ChannelWire} for plain HTTP (bodies land
 * straight in the caller's direct buffers) or a {@link SocketWire} for TLS. Reads and writes that make
 * no progress for the current timeout throw {@link HttpConnection.StalledException}. One thread at a time.
 */
sealed interface Wire permits ChannelWire, SocketWire {
    /** Reads at least one byte into {@code dst} (which has room), waiting up to the timeout; -1 at EOF. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** How long a read or write may wait for the peer from now on. */
    void timeout(Duration timeout) throws IOException;

    /** A buffer of {@code bytes} that this wire reads into without an extra copy. */
    ByteBuffer allocate(int bytes);

    boolean isOpen();

    /** Closes the connection; never fails. */
    void close();
}
