package dev.soci4j.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageStore#openBlob} on OCI layouts (directory and tar): right bytes, or a mismatch at the end. */
@ExtendWith(SeededRandom.class)
class LayoutBlobStreamTest {
    private static byte[] drain(ReadableByteChannel channel, ByteBuffer buf) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (channel.read(buf.clear()) >= 0) {
            buf.flip();
            byte[] chunk = new byte[buf.remaining()];
            buf.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    private static Descriptor stored(OciLayoutDirectory layout, byte[] blob, Path dir) throws IOException {
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob);
        Path file = Files.write(dir.resolve("in-" + d.digest().hex()), blob);
        layout.putBlob(d, file);
        return d;
    }

    @Test
    void streamsABlobFromADirectory(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        byte[] blob = TestImages.randomBytes(random, 3_000_001);
        Descriptor d = stored(layout, blob, dir);
        try (ReadableByteChannel channel = layout.openBlob(d)) {
            assertThat(drain(channel, ByteBuffer.allocate(65_536))).isEqualTo(blob);
        }
        try (ReadableByteChannel channel = layout.openBlob(d)) {
            assertThat(drain(channel, ByteBuffer.allocateDirect(4096))).isEqualTo(blob);
        }
    }

    @Test
    void directoryBlobWithWrongBytesFailsAtTheEnd(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        byte[] blob = TestImages.randomBytes(random, 200_000);
        Descriptor d = stored(layout, blob, dir);
        byte[] wrong = blob.clone();
        wrong[random.nextInt(wrong.length)] ^= 0x40;
        Files.write(layout.blobPath(d.digest()), wrong);
        ByteBuffer buf = ByteBuffer.allocate(blob.length);
        try (ReadableByteChannel channel = layout.openBlob(d)) {
            while (buf.hasRemaining()) assertThat(channel.read(buf)).isNotNegative();
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(10)))
                    .isInstanceOf(DigestMismatchException.class).hasMessageContaining("got " + Digest.of(wrong));
        }
        Files.write(layout.blobPath(d.digest()), java.util.Arrays.copyOf(blob, blob.length - 1));
        try (ReadableByteChannel channel = layout.openBlob(d)) {
            assertThatThrownBy(() -> drain(channel, ByteBuffer.allocate(8192)))
                    .isInstanceOf(DigestMismatchException.class).hasMessageContaining("over " + (blob.length - 1) + " bytes");
        }
        Descriptor absent = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {1});
        assertThatThrownBy(() -> layout.openBlob(absent)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void streamsABlobOutOfALayoutTar(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        byte[] first = TestImages.randomBytes(random, 1000);
        byte[] blob = TestImages.randomBytes(random, 1_234_567);
        stored(layout, first, dir);
        Descriptor d = stored(layout, blob, dir);
        Path tar = dir.resolve("layout.tar");
        OciLayoutTar.write(layout, tar);
        try (ReadableByteChannel channel = OciLayoutTar.openBlob(tar, d)) {
            assertThat(drain(channel, ByteBuffer.allocate(100_000))).isEqualTo(blob);
        }
        Descriptor absent = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {1});
        assertThatThrownBy(() -> OciLayoutTar.openBlob(tar, absent)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void layoutTarBlobWithWrongBytesFailsAtTheEnd(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        byte[] blob = TestImages.randomBytes(random, 100_000);
        Descriptor d = stored(layout, blob, dir);
        byte[] wrong = blob.clone();
        wrong[random.nextInt(wrong.length)] ^= 0x02;
        Files.write(layout.blobPath(d.digest()), wrong);   // same size, other bytes, under the right name
        Path tar = dir.resolve("layout.tar");
        OciLayoutTar.write(layout, tar);
        try (ReadableByteChannel channel = OciLayoutTar.openBlob(tar, d)) {
            assertThatThrownBy(() -> drain(channel, ByteBuffer.allocate(4096)))
                    .isInstanceOf(DigestMismatchException.class).hasMessageContaining("expected " + d.digest());
        }
    }
}
