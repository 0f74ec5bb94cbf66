package dev.soci4j.index.build;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.LongConsumer;

/** Counts bytes read through it and reports the running total, at most once per {@code stepBytes}. */
final class CountingChannel implements ReadableByteChannel {
    private final ReadableByteChannel in;
    private final LongConsumer onProgress;
    private final long stepBytes;
    private long total;
    private long reported;

    CountingChannel(ReadableByteChannel in, long stepBytes, LongConsumer onProgress) {
        this.in = in;
        this.stepBytes = stepBytes;
        this.onProgress = onProgress;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = in.read(dst);
        if (n > 0) total += n;
        if (n < 0 || total - reported >= stepBytes) {
            reported = total;
            onProgress.accept(total);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return in.isOpen();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
