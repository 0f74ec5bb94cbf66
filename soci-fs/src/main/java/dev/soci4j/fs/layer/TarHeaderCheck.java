package dev.soci4j.fs.layer;

import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.FileMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first read of a file checks the tar header just before its data against the zTOC: a valid
 * checksum, a regular-file type and (when the header holds it in octal and no PAX record overrides
 * it) the same size. A zTOC whose offsets do not match its layer would otherwise serve another
 * file's bytes, digest-checked spans or not. Results are remembered per node id; thread-safe.
 */
final class TarHeaderCheck {
    private static final Logger log = LoggerFactory.getLogger(TarHeaderCheck.class);
    private static final int BLOCK = 512;

    private final SpanManager spans;
    private final AtomicLongArray checked; // two bits per node: checked, bad
    private final String layer;

    TarHeaderCheck(String layer, SpanManager spans, int ids) {
        this.layer = layer;
        this.spans = spans;
        this.checked = new AtomicLongArray((ids * 2 + 63) / 64 + 1);
    }

    void require(long id, FileMetadata file) throws IOException {
        if (bit(id * 2)) {
            if (bit(id * 2 + 1)) throw mismatch(file, "found before");
            return;
        }
        String problem = problem(file);
        if (problem != null) {
            set(id * 2 + 1);
            set(id * 2);
            log.atWarn().addKeyValue("layer", layer).addKeyValue("file", file.name()).log("tar header does not match the zTOC: " + problem);
            throw mismatch(file, problem);
        }
        set(id * 2);
    }

    private IOException mismatch(FileMetadata file, String problem) {
        return new IOException("file %s of layer %s: tar header does not match the zTOC (%s)".formatted(file.name(), layer, problem));
    }

    private String problem(FileMetadata file) throws IOException {
        if (file.uncompressedOffset() < BLOCK) return "data offset %d leaves no room for a header".formatted(file.uncompressedOffset());
        byte[] h = new byte[BLOCK];
        spans.read(file.uncompressedOffset() - BLOCK, h, 0, BLOCK);
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
        if (stored != sum) return "checksum %d, header sums to %d".formatted(stored, sum);
        byte type = h[156];
        if (type != '0' && type != 0 && type != '7') return "type flag '%c' is not a regular file".formatted((char) type);
        if ((h[124] & 0x80) == 0 && file.paxRecord("size").isEmpty()) {
            long size = octal(h, 124, 12);
            if (size != file.uncompressedSize()) return "size %d, zTOC says %d".formatted(size, file.uncompressedSize());
        }
        return null;
    }

    private static long octal(byte[] h, int off, int len) {
        String s = new String(h, off, len, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        try {
            return s.isEmpty() ? -1 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private boolean bit(long i) {
        return (checked.get((int) (i >>> 6)) & (1L << (i & 63))) != 0;
    }

    private void set(long i) {
        checked.getAndUpdate((int) (i >>> 6), v -> v | (1L << (i & 63)));
    }
}
