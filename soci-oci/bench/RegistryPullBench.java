import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Run by registry-pull.sh (java source launcher): times soci4j pulling one blob to a file and
 * 4 MiB Range reads at seeded random offsets. Prints "pull <seconds>" lines and "range <ms>" lines.
 * Usage: RegistryPullBench <registry> <repo> <digest> <size> <outFile> <pullRuns> <rangeReads> <seed>
 */
public class RegistryPullBench {
    public static void main(String[] args) throws Exception {
        ImageReference repo = ImageReference.parse(args[0] + "/" + args[1]);
        Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER, Digest.parse(args[2]), Long.parseLong(args[3]));
        Path out = Path.of(args[4]);
        int pulls = Integer.parseInt(args[5]);
        int ranges = Integer.parseInt(args[6]);
        Random random = new Random(Long.parseLong(args[7]));
        try (RegistryClient client = RegistryClient.builder().build()) {
            client.readBlobRange(repo, blob.digest(), 0, 1); // warm up connection and classes
            for (int i = 0; i < pulls; i++) {
                Files.deleteIfExists(out);
                long t0 = System.nanoTime();
                client.pullBlob(repo, blob, out);
                System.out.printf("pull %.3f%n", (System.nanoTime() - t0) / 1e9);
            }
            int len = 4 << 20;
            double[] ms = new double[ranges];
            for (int i = 0; i < ranges; i++) {
                long offset = (long) (random.nextDouble() * (blob.size() - len));
                long t0 = System.nanoTime();
                byte[] bytes = client.readBlobRange(repo, blob.digest(), offset, len);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (bytes.length != len) throw new IllegalStateException("short range");
                System.out.printf("range %.3f%n", ms[i]);
            }
        }
    }
}
