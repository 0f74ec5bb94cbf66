package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.IntSupplier;

/** Pushes a byte array through a {@link TarScanner} in chunks, like a decompressor would. */
final class Feeder {
    private Feeder() {
    }

    /** Chunks of a fixed size. */
    static IntSupplier fixed(int size) {
        return () -> size;
    }

    /** Chunks of random sizes, mostly small, sometimes large, so headers split anywhere. */
    static IntSupplier random(Random random) {
        return () -> switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(8);
            case 1 -> 1 + random.nextInt(600);
            case 2 -> 1 + random.nextInt(5000);
            default -> 1 + random.nextInt(100_000);
        };
    }

    static TarScan scan(byte[] tar, IntSupplier chunkSizes) throws InvalidLayerException, UnsupportedLayerException {
        TarScanner scanner = new TarScanner();
        feed(scanner, tar, chunkSizes);
        return scanner.finish();
    }

    /**
     * Feeds every chunk as a buffer over the middle of the array (position and limit not at its
     * ends), and checks the scanner consumed each chunk completely.
     */
    static void feed(TarScanner scanner, byte[] tar, IntSupplier chunkSizes)
            throws InvalidLayerException, UnsupportedLayerException {
        for (int pos = 0; pos < tar.length; ) {
            int n = Math.min(tar.length - pos, chunkSizes.getAsInt());
            ByteBuffer chunk = ByteBuffer.wrap(tar, pos, n);
            scanner.feed(chunk);
            if (chunk.hasRemaining())
                throw new AssertionError("scanner left %d bytes of a chunk at %d".formatted(chunk.remaining(), pos));
            pos += n;
        }
    }
}
