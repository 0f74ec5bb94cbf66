package dev.soci4j.bench;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * In-process part of {@code bench/registry-pull.sh}: one client, as an application holds it; after a
 * warm-up (one pull, one streamed read, {@code rangeReads} Range reads: JIT, connection pool, token),
 * times pulls of one blob to a file (digest-verified), streamed reads through {@code openBlob}
 * (verified, bytes dropped), and 4 MiB Range reads at seeded random offsets. Prints
 * {@code pull <s>}, {@code stream <s>} and {@code range <ms>} lines for the script.
 *
 * <p>Usage: {@code RegistryPullBench REGISTRY REPO DIGEST SIZE OUT_FILE PULL_RUNS RANGE_READS SEED}
 */
public final class RegistryPullBench {
    static final int RANGE_BYTES = 4 << 20;

    public static void main(String[] args) throws Exception {
        ImageReference repo = ImageReference.parse(args[0] + "/" + args[1]);
        Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER, Digest.parse(args[2]), Long.parseLong(args[3]));
        Path out = Path.of(args[4]);
        int pulls = Integer.parseInt(args[5]);
        int ranges = Integer.parseInt(args[6]);
        long seed = Long.parseLong(args[7]);
        try (RegistryClient client = RegistryClient.builder().build()) {
            pull(client, repo, blob, out);
            stream(client, repo, blob);
            rangeReads(client, repo, blob, ranges, new Random(seed ^ 0x5eed));
            for (int i = 0; i < pulls; i++) System.out.printf("pull %.3f%n", pull(client, repo, blob, out));
            for (int i = 0; i < pulls; i++) System.out.printf("stream %.3f%n", stream(client, repo, blob));
            for (double ms : rangeReads(client, repo, blob, ranges, new Random(seed))) System.out.printf("range %.3f%n", ms);
        }
        Files.deleteIfExists(out);
    }

    private static double pull(RegistryClient client, ImageReference repo, Descriptor blob, Path out) throws Exception {
        Files.deleteIfExists(out);
        long t0 = System.nanoTime();
        client.pullBlob(repo, blob, out);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** As the index builder consumes a layer: read through, verified at the end. */
    private static double stream(RegistryClient client, ImageReference repo, Descriptor blob) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long t0 = System.nanoTime();
        long n = 0;
        try (ReadableByteChannel channel = client.openBlob(repo, blob)) {
            for (int r; (r = channel.read(buf.clear())) >= 0; ) n += r;
        }
        if (n != blob.size()) throw new IllegalStateException("streamed %d of %d bytes".formatted(n, blob.size()));
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double[] rangeReads(RegistryClient client, ImageReference repo, Descriptor blob, int count, Random random) throws Exception {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            long offset = (long) (random.nextDouble() * (blob.size() - RANGE_BYTES));
            long t0 = System.nanoTime();
            byte[] bytes = client.readBlobRange(repo, blob.digest(), offset, RANGE_BYTES);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (bytes.length != RANGE_BYTES) throw new IllegalStateException("short range: " + bytes.length);
        }
        return ms;
    }
}
