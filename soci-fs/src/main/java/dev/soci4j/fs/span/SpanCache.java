package dev.soci4j.fs.span;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Decompressed, verified spans of one layer on disk: one file per span in the layer's directory,
 * least recently used evicted past {@code limitBytes}. The directory is emptied on open: a file
 * left by another process was not verified by this one, and uncompressed spans carry no digest.
 * Thread-safe.
 */
public final class SpanCache {
    private final Path dir;
    private final long limitBytes;
    private final LinkedHashMap<Integer, Long> sizes = new LinkedHashMap<>(64, 0.75f, true);
    private long totalBytes;

    public SpanCache(Path dir, long limitBytes) throws IOException {
        if (limitBytes <= 0) throw new IllegalArgumentException("cache limit must be positive: " + limitBytes);
        this.dir = dir;
        this.limitBytes = limitBytes;
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Copies {@code length} bytes from {@code offsetInSpan} of the cached span into {@code dst}; false when not cached. */
    public boolean read(int spanId, long offsetInSpan, byte[] dst, int dstOffset, int length) throws IOException {
        return read(spanId, offsetInSpan, ByteBuffer.wrap(dst, dstOffset, length));
    }

    /** Fills {@code dst} (position to limit) from {@code offsetInSpan} of the cached span; false when not cached. */
    public boolean read(int spanId, long offsetInSpan, ByteBuffer dst) throws IOException {
        synchronized (this) {
            if (sizes.get(spanId) == null) return false;
        }
        try (FileChannel ch = FileChannel.open(file(spanId), StandardOpenOption.READ)) {
            ByteBuffer buf = dst;
            long pos = offsetInSpan;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) throw new IOException("cached span %d in %s is shorter than expected".formatted(spanId, dir));
                pos += n;
            }
            return true;
        } catch (NoSuchFileException e) {
            return false; // evicted meanwhile
        }
    }

    public synchronized boolean contains(int spanId) {
        return sizes.containsKey(spanId);
    }

    /** Stores a verified span's uncompressed bytes, then evicts the least recently used past the limit. */
    public void put(int spanId, byte[] uncompressed) throws IOException {
        Path tmp = Files.createTempFile(dir, "span-" + spanId, ".tmp");
        Files.write(tmp, uncompressed);
        Files.move(tmp, file(spanId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        synchronized (this) {
            Long old = sizes.put(spanId, (long) uncompressed.length);
            totalBytes += uncompressed.length - (old == null ? 0 : old);
            var it = sizes.entrySet().iterator();
            while (totalBytes > limitBytes && it.hasNext()) {
                Map.Entry<Integer, Long> eldest = it.next();
                if (eldest.getKey() == spanId) continue;
                Files.deleteIfExists(file(eldest.getKey()));
                totalBytes -= eldest.getValue();
                it.remove();
            }
        }
    }

    public synchronized long sizeBytes() {
        return totalBytes;
    }

    private Path file(int spanId) {
        return dir.resolve(Integer.toString(spanId));
    }
}
