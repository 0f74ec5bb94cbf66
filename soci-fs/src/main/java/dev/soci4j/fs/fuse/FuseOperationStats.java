package dev.soci4j.fs.fuse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one FUSE connection's requests by opcode: how many, how many answered with an error,
 * and their total handling time (from reading the request to writing the answer). Enough for a
 * Prometheus summary ({@code _count}, {@code _sum}); rates and mean latencies come from the scraper.
 * Thread-safe: every reader thread records into the same {@link LongAdder}s.
 */
public final class FuseOperationStats {
    /** Opcodes are small numbers (the largest the kernel sends today is below 64); others are counted as "other". */
    private static final int SLOTS = 64;
    private static final int OTHER = 0; // opcode 0 does not exist in the protocol

    /** Counters of one opcode; {@code nanos} is the sum of handling times. */
    public record Totals(long count, long errors, long nanos) {
    }

    private final LongAdder[] count = adders();
    private final LongAdder[] errors = adders();
    private final LongAdder[] nanos = adders();

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[SLOTS];
        for (int i = 0; i < SLOTS; i++) a[i] = new LongAdder();
        return a;
    }

    void record(int opcode, long elapsedNanos, boolean failed) {
        int slot = opcode > 0 && opcode < SLOTS ? opcode : OTHER;
        count[slot].increment();
        nanos[slot].add(elapsedNanos);
        if (failed) errors[slot].increment();
    }

    /** The opcodes seen so far by name ({@code read}, {@code lookup}, ...), in opcode order. */
    public Map<String, Totals> snapshot() {
        Map<String, Totals> m = new LinkedHashMap<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            long n = count[slot].sum();
            if (n == 0) continue;
            m.put(FuseOpcode.name(slot), new Totals(n, errors[slot].sum(), nanos[slot].sum()));
        }
        return m;
    }
}
