package dev.soci4j.ztoc.zran;

import dev.soci4j.ztoc.InvalidZtocException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code checkpoints} blob of a gzip layer's zTOC ({@code soci-format.md §2}): the span size and
 * one {@link Checkpoint} per span. Immutable; checkpoint {@code i} starts span {@code i}.
 *
 * <p>Invariants: at least one checkpoint, the first at uncompressed offset 0; {@code in} strictly
 * increases, and so does {@code out} except that several checkpoints may sit at {@code out} 0 (the
 * reference's C builder, like zran.c, adds one at every block boundary before any output, so a stream
 * opening with empty deflate blocks has several; our builder makes only one). {@link #parse} reports a blob breaking them as an
 * {@link InvalidZtocException}; the constructor (for code that builds checkpoints) as an
 * {@link IllegalArgumentException}.
 */
public record GzipCheckpoints(long spanSizeBytes, List<Checkpoint> checkpoints) {
    static final int HEADER_SIZE = 4 + 8;
    static final int PACKED_CHECKPOINT_SIZE = 8 + 8 + 1 + Checkpoint.WINDOW_SIZE; // 32,785

    /** Checkpoints a blob can hold and still fit in a Java array (the zTOC vector's limit too). */
    public static final int MAX_CHECKPOINTS = (Integer.MAX_VALUE - 8 - HEADER_SIZE) / PACKED_CHECKPOINT_SIZE;

    /** v1 blobs leave out checkpoint 0 and mean this one: just after a 10-byte gzip header. */
    private static final long V1_IMPLIED_IN = 10;

    public GzipCheckpoints {
        checkpoints = List.copyOf(checkpoints);
        String problem = problem(spanSizeBytes, checkpoints);
        if (problem != null) throw new IllegalArgumentException(problem);
    }

    /** Number of spans (= checkpoints). */
    public int spanCount() {
        return checkpoints.size();
    }

    public Checkpoint checkpoint(int spanId) {
        return checkpoints.get(spanId);
    }

    /** The span holding uncompressed offset {@code offset} (offsets past the last checkpoint: the last span). */
    public int spanContaining(long offset) {
        if (offset < 0) throw new IllegalArgumentException("negative uncompressed offset " + offset);
        int lo = 0;
        int hi = checkpoints.size() - 1;
        while (lo < hi) { // last checkpoint with out <= offset
            int mid = (lo + hi + 1) >>> 1;
            if (checkpoints.get(mid).out() <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /**
     * Reads a v2 blob ({@code 12 + N*32785} bytes) or a v1 blob ({@code 12 + (N-1)*32785} bytes,
     * checkpoint 0 implied). The array is not copied: the windows are views of it, so the caller must
     * not modify it afterwards.
     */
    public static GzipCheckpoints parse(byte[] blob) throws InvalidZtocException {
        return parse(ByteBuffer.wrap(Objects.requireNonNull(blob, "blob")));
    }

    /**
     * Reads the blob in {@code blob}'s remaining bytes, as {@link #parse(byte[])}. Nothing is copied:
     * the windows are read-only views of the buffer's memory, so the caller must not modify it
     * afterwards. The buffer's position, limit and byte order are left alone.
     */
    public static GzipCheckpoints parse(ByteBuffer blob) throws InvalidZtocException {
        ByteBuffer buffer = Objects.requireNonNull(blob, "blob").slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = buffer.capacity();
        if (length < HEADER_SIZE) {
            throw new InvalidZtocException("gzip checkpoints: blob of %d bytes is shorter than its %d-byte header"
                    .formatted(length, HEADER_SIZE));
        }
        int count = buffer.getInt(0);
        long spanSize = buffer.getLong(4);
        if (count <= 0 || count > MAX_CHECKPOINTS) {
            throw new InvalidZtocException("gzip checkpoints: checkpoint count %d is not in 1..%d"
                    .formatted(count, MAX_CHECKPOINTS));
        }
        long v2Length = HEADER_SIZE + (long) count * PACKED_CHECKPOINT_SIZE;
        long v1Length = v2Length - PACKED_CHECKPOINT_SIZE;
        boolean v1;
        if (length == v2Length) v1 = false;
        else if (length == v1Length) v1 = true;
        else {
            throw new InvalidZtocException(("gzip checkpoints: blob of %d bytes fits neither v2 (%d bytes) nor v1 "
                    + "(%d bytes) for %d checkpoints").formatted(length, v2Length, v1Length, count));
        }
        List<Checkpoint> list = new ArrayList<>(count);
        if (v1) list.add(Checkpoint.first(V1_IMPLIED_IN));
        for (int offset = HEADER_SIZE; offset < length; offset += PACKED_CHECKPOINT_SIZE) {
            long in = buffer.getLong(offset);
            long out = buffer.getLong(offset + 8);
            int bits = buffer.get(offset + 16) & 0xff;
            if (in < 0 || out < 0 || bits > 7 || (bits != 0 && in == 0)) {
                throw new InvalidZtocException("gzip checkpoints: checkpoint %d has in=%d out=%d bits=%d"
                        .formatted(list.size(), in, out, bits));
            }
            ByteBuffer window = buffer.slice(offset + 17, Checkpoint.WINDOW_SIZE);
            list.add(new Checkpoint(in, out, bits, window));
        }
        String problem = problem(spanSize, list);
        if (problem != null) throw new InvalidZtocException(problem);
        return new GzipCheckpoints(spanSize, list);
    }

    /**
     * The v2 blob: little-endian, tightly packed, {@code 12 + N*32785} bytes, packed anew on each call.
     * A builder's blob is already at hand ({@link GzipIndex#checkpointBlob()}); this is for tests and
     * for writing a v1 blob back as v2.
     */
    public byte[] toBytes() {
        byte[] blob = new byte[Math.toIntExact(HEADER_SIZE + (long) checkpoints.size() * PACKED_CHECKPOINT_SIZE)];
        ByteBuffer buffer = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(checkpoints.size()).putLong(spanSizeBytes);
        for (Checkpoint c : checkpoints) {
            buffer.putLong(c.in()).putLong(c.out()).put((byte) c.bits()).put(c.window());
        }
        return blob;
    }

    private static String problem(long spanSize, List<Checkpoint> list) {
        if (spanSize <= 0) return "gzip checkpoints: span size must be positive, got " + spanSize;
        if (list.isEmpty()) return "gzip checkpoints: no checkpoint";
        if (list.size() > MAX_CHECKPOINTS) {
            return "gzip checkpoints: %d checkpoints, more than the %d a blob can hold".formatted(list.size(), MAX_CHECKPOINTS);
        }
        if (list.getFirst().out() != 0) {
            return "gzip checkpoints: checkpoint 0 must start at uncompressed offset 0, not " + list.getFirst().out();
        }
        for (int i = 1; i < list.size(); i++) {
            Checkpoint previous = list.get(i - 1);
            Checkpoint c = list.get(i);
            boolean outGoesOn = c.out() > previous.out() || c.out() == 0; // see the class comment on out 0
            if (c.in() <= previous.in() || !outGoesOn) {
                return "gzip checkpoints: checkpoint %d (in=%d, out=%d) does not come after checkpoint %d (in=%d, out=%d)"
                        .formatted(i, c.in(), c.out(), i - 1, previous.in(), previous.out());
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "GzipCheckpoints[spanSizeBytes=%d, spans=%d]".formatted(spanSizeBytes, checkpoints.size());
    }
}
