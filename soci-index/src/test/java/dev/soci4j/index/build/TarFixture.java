package dev.soci4j.index.build;

import java.util.Random;

/** Gzip tar layers for the builder tests (the same generator as {@code dev.soci4j.index.TestLayers}). */
final class TarFixture {
    private TarFixture() {}

    static byte[] layer(Random random, String prefix, int files, int maxFileBytes, boolean xattr, boolean opaque) throws Exception {
        return dev.soci4j.index.TestLayersAccess.gzipLayer(random, prefix, files, maxFileBytes, xattr, opaque);
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
