package dev.soci4j.cli.output;

import java.time.Duration;

/** Human forms of byte counts, ratios and durations for tables. */
public final class Sizes {
    private Sizes() {
    }

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    /** {@code 1536} → {@code 1.5 KiB}; exact below 1 KiB. */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return "%.1f %s".formatted(v, UNITS[unit]);
    }

    public static String percent(long part, long whole) {
        if (whole <= 0) return "-";
        return "%.2f%%".formatted(100.0 * part / whole);
    }

    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        return "%.2f s".formatted(ms / 1000.0);
    }
}
