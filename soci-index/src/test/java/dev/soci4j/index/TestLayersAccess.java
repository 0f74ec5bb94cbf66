package dev.soci4j.index;

import java.util.Random;

/** Lets tests in sub-packages build layers with {@link TestLayers}. */
public final class TestLayersAccess {
    private TestLayersAccess() {}

    public static byte[] gzipLayer(Random random, String prefix, int files, int maxFileBytes, boolean xattr, boolean opaque) throws java.io.IOException {
        return TestLayers.layer(random, prefix, files, maxFileBytes, xattr, opaque, true).blob();
    }
}
