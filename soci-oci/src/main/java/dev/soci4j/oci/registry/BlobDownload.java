package dev.soci4j.oci.registry;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a blob to a file: streams into a hidden part file, resumes with a Range request when the
 * connection breaks mid-body (bounded by the retry policy), verifies size and digest over every byte
 * received, and only then moves the file into place. On any failure the part file is deleted.
 */
final class BlobDownload {
    private static final Logger log = LoggerFactory.getLogger(BlobDownload.class);

    private BlobDownload() {}

    static void toFile(RegistryHost host, String repository, Descriptor blob, Path target, RetryPolicy retry, RandomGenerator jitter, Executor cpu) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        boolean published = false;
        // No TRUNCATE_EXISTING (the part file is new and empty anyway): on ext4, a file truncated to
        // zero gets its delayed allocation forced when closed (auto_da_alloc, against zero-length files
        // after a crash); closing the part file then started writeback of the whole blob in close(),
        // 0.4 s of a 1 GiB pull. curl's O_CREAT|O_TRUNC on a new file skips the truncate.
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE);
             BlobHasher hasher = new BlobHasher(cpu, (int) Math.min(BlobStreamer.BUFFER_BYTES, blob.size() + 1), true)) {
            long received = 0;
            for (int attempt = 1; ; attempt++) {
                BlobStreamer.Streamed streamed = host.call(new BlobStreamer(host, repository, blob.digest(), received, blob.size(), out, hasher));
                received += streamed.bytes();
                if (streamed.stoppedBy() == null) break;
                if (attempt >= retry.maxAttempts())
                    throw new RegistryException("pull blob %s (%d bytes) from %s/%s".formatted(blob.digest(), blob.size(), host.registry(), repository),
                            0, "body broke off at byte %d after %d attempts: %s".formatted(received, attempt, streamed.stoppedBy()), streamed.stoppedBy());
                log.atDebug().addKeyValue("registry", host.registry()).addKeyValue("layer", blob.digest())
                        .addKeyValue("bytes", received).addKeyValue("cause", streamed.stoppedBy().toString()).log("resuming blob download");
                try {
                    Thread.sleep(retry.delayBefore(attempt + 1, null, jitter));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted resuming " + blob.digest());
                }
            }
            Digest actual = hasher.digest();
            if (received != blob.size() || !actual.equals(blob.digest()))
                throw new DigestMismatchException("blob %s from %s/%s".formatted(blob.digest(), host.registry(), repository), blob.digest(), actual, received);
            out.close();
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            published = true;
        } finally {
            if (!published) Files.deleteIfExists(part);
        }
    }
}
