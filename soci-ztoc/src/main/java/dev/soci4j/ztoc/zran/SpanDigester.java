package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hashes each span's compressed bytes ({@code soci-format.md §2}) from the layer's bytes in order,
 * given where spans start, learnt only once inflate got there. Span {@code i} covers
 * {@code [in_i - (bits_i ? 1 : 0), in_{i+1})}: when a span borrows bits, the byte before its
 * {@code in} is hashed into both neighbours, so the last byte of the previous chunk is remembered.
 * The bytes before span 0 (the gzip header) are not hashed; the last span runs to the end.
 *
 * <p>Not thread-safe; {@link SpanHashPipeline} feeds it from one thread.
 */
final class SpanDigester {
    /** A checkpoint seen by the inflater, as far as hashing cares. */
    record Cut(long in, int bits) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final List<String> digests = new ArrayList<>();
    private MessageDigest current; // null before span 0 starts
    private long position;         // layer offset of the next byte to read
    private int lastByte = -1;     // the byte at position - 1

    /**
     * Takes the next chunk of the layer, starting at {@link #position()}, with the checkpoints found
     * while inflating it: each has {@code in} within {@code [chunkStart, chunkEnd]}, in order.
     */
    void consume(ByteBuffer chunk, List<Cut> cuts) {
        long chunkStart = position;
        ByteBuffer bytes = chunk.duplicate();
        int base = bytes.position();
        for (Cut cut : cuts) {
            int cutIndex = Math.toIntExact(cut.in() - chunkStart);
            if (cutIndex < 0 || cutIndex > chunk.remaining() || base + cutIndex < bytes.position()) {
                throw new IllegalStateException("checkpoint at %d outside chunk [%d, %d)".formatted(
                        cut.in(), chunkStart, chunkStart + chunk.remaining()));
            }
            if (current == null) { // span 0 begins after the header; what precedes it is not hashed
                if (cut.bits() != 0) throw new IllegalStateException("first checkpoint borrows bits: " + cut);
                bytes.position(base + cutIndex);
                current = sha256();
                continue;
            }
            current.update(bytes.limit(base + cutIndex)); // up to in_{i+1}, exclusive
            bytes.limit(chunk.limit());
            digests.add(text(current.digest()));
            if (cut.bits() != 0) { // byte in-1 also starts the next span
                int shared = cutIndex > 0 ? bytes.get(base + cutIndex - 1) & 0xff : lastByte;
                if (shared < 0) throw new IllegalStateException("no byte before checkpoint " + cut);
                current.update((byte) shared);
            }
        }
        if (current != null) current.update(bytes);
        int length = chunk.remaining();
        if (length > 0) lastByte = chunk.get(chunk.limit() - 1) & 0xff;
        position = chunkStart + length;
    }

    /** Layer offset of the next byte expected. */
    long position() {
        return position;
    }

    /** Ends the last span at the end of the layer; returns every span's digest. */
    List<String> finish() {
        if (current != null) {
            digests.add(text(current.digest()));
            current = null;
        }
        return List.copyOf(digests);
    }

    private static String text(byte[] digest) {
        return "sha256:" + HEX.formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
