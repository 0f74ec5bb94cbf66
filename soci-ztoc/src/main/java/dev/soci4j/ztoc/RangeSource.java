package dev.soci4j.ztoc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Byte ranges of a layer blob (the compressed bytes a zTOC describes): a local file now, an HTTP
 * Range source later. Implementations are safe for concurrent readers.
 */
public interface RangeSource extends AutoCloseable {

    /** Size of the blob in bytes. */
    long size() throws IOException;

    /**
     * Reads exactly {@code length} bytes starting at {@code offset} into {@code dst[dstOffset..]}.
     *
     * @throws EOFException when the blob ends before the range does
     */
    void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException;

    /**
     * {@link #readFully(long, byte[], int, int)}, reporting to {@code arrival} how many bytes from
     * {@code dstOffset} are in place as they come (sources that stream say so often; this default
     * says so once, at the end). On failure {@code arrival} is failed too.
     */
    default void readFully(long offset, byte[] dst, int dstOffset, int length, Arrival arrival) throws IOException {
        try {
            readFully(offset, dst, dstOffset, length);
        } catch (IOException e) {
            arrival.fail(e);
            throw e;
        }
        arrival.advance(length);
    }

    @Override
    default void close() throws IOException {
    }

    /** Positional reads of a file; thread-safe (no shared position). */
    static RangeSource ofFile(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new RangeSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset, length);
                long pos = offset;
                while (buf.hasRemaining()) {
                    int n = channel.read(buf, pos);
                    if (n < 0)
                        throw new EOFException("%s ends at byte %d, before the end of range [%d, %d)"
                                .formatted(file, pos, offset, offset + length));
                    pos += n;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }

            @Override
            public String toString() {
                return file.toString();
            }
        };
    }

    /** An in-memory blob, for tests and small layers. */
    static RangeSource ofBytes(byte[] blob) {
        return new RangeSource() {
            @Override
            public long size() {
                return blob.length;
            }

            @Override
            public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
                // offset + length may overflow; compare against what is left instead
                if (offset < 0 || length < 0 || offset > blob.length || length > blob.length - offset)
                    throw new EOFException("range [%d, +%d) is outside the %d-byte blob"
                            .formatted(offset, length, blob.length));
                System.arraycopy(blob, (int) offset, dst, dstOffset, length);
            }

            @Override
            public String toString() {
                return "in-memory blob of %d bytes".formatted(blob.length);
            }
        };
    }
}
