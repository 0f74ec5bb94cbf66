package dev.soci4j.ztoc.zran;

import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.zlib.ZlibDataException;
import dev.soci4j.ztoc.zlib.ZlibInflater;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The benchmark baseline for {@link GzipIndexer}: inflates a whole gzip layer (all members) with
 * {@code Z_NO_FLUSH} through the same binding and discards the output. Same buffer sizes as the
 * indexer, no checkpoints, no hashing, no sink.
 */
public final class BareInflate {
    private static final int INPUT_BYTES = 1 << 20;
    private static final int OUTPUT_BYTES = 256 << 10;

    private BareInflate() {
    }

    /** Returns the number of uncompressed bytes. */
    public static long inflate(ReadableByteChannel compressed) throws IOException {
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.GZIP)) {
            ByteBuffer in = inflater.allocate(INPUT_BYTES).limit(0);
            ByteBuffer out = inflater.allocate(OUTPUT_BYTES);
            long totalOut = 0;
            long totalIn = 0;
            boolean memberEnded = false;
            while (true) {
                if (!in.hasRemaining()) {
                    in.clear();
                    int n = compressed.read(in);
                    in.flip();
                    if (n < 0) break;
                    continue;
                }
                if (memberEnded) {
                    inflater.reset();
                    memberEnded = false;
                }
                int before = in.remaining();
                ZlibInflater.Status status;
                try {
                    status = inflater.inflate(in, out.clear(), ZlibInflater.Flush.NO_FLUSH);
                } catch (ZlibDataException e) {
                    throw new InvalidLayerException("corrupt gzip data near compressed offset %d: %s"
                            .formatted(totalIn, e.zlibMessage()), e);
                }
                totalIn += before - in.remaining();
                totalOut += out.position();
                if (status == ZlibInflater.Status.STREAM_END) memberEnded = true;
            }
            if (!memberEnded) throw new InvalidLayerException("gzip layer truncated at compressed offset " + totalIn);
            return totalOut;
        }
    }
}
