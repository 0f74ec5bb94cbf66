package dev.soci4j.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.Digest;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hasher on its own: order across more chunks than it has buffers, and refused work. */
@ExtendWith(SeededRandom.class)
class BlobHasherTest {
    @Test
    void hashesChunksInOrderOnAnotherThreadWhileTheCallerMovesThem(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, (BlobHasher.BUFFERS * 3 + 1) * 1000 + 17);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (BlobHasher hasher = new BlobHasher(pool, 1000, true)) {
            for (int at = 0; at < blob.length; ) {
                ByteBuffer buf = hasher.buffer();
                int n = Math.min(buf.remaining(), blob.length - at);
                buf.put(blob, at, n).flip();
                hasher.update(buf);
                buf.position(buf.limit());   // as a file write moves it: the hasher has its own view
                at += n;
            }
            assertThat(hasher.digest()).isEqualTo(Digest.of(blob));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void refusedWorkFailsTheUpdateInsteadOfHangingTheNextBuffer() throws Exception {
        try (BlobHasher hasher = new BlobHasher(task -> { throw new RejectedExecutionException("closed"); }, 1000, false)) {
            ByteBuffer buf = hasher.buffer();
            buf.put(new byte[10]).flip();
            assertThatThrownBy(() -> hasher.update(buf)).isInstanceOf(IOException.class).hasMessageContaining("refused");
            assertThat(hasher.digest()).as("nothing hashed, nothing pending").isEqualTo(Digest.of(new byte[0]));
        }
    }
}
