package dev.soci4j.ztoc.tar;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A tar modification time as Go's {@code time.Unix(seconds, nanos)} holds it (nanos normalized into
 * [0, 1e9)), with the PAX parser and the RFC 3339 text the reference writes.
 */
record PaxTime(long seconds, int nanos) {
    private static final int MAX_FRACTION_DIGITS = 9;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go's MarshalText fails outside these years. */
    private static final long FIRST_TEXT_SECOND = -62_167_219_200L, LAST_TEXT_SECOND = 253_402_300_799L;

    /** Normalizes like Go's {@code time.Unix}: any nanos, carried into seconds (wrapping like Go's int64). */
    static PaxTime of(long seconds, long nanos) {
        if (nanos < 0 || nanos >= 1_000_000_000L) {
            long n = nanos / 1_000_000_000L;
            seconds += n;
            nanos -= n * 1_000_000_000L;
            if (nanos < 0) {
                nanos += 1_000_000_000L;
                seconds--;
            }
        }
        return new PaxTime(seconds, (int) nanos);
    }

    /**
     * Parses a PAX time like Go's {@code parsePAXTime}: decimal seconds (sign allowed), optionally
     * {@code .} and ASCII digits, of which only the first 9 count (truncated, not rounded). For a
     * negative value the fraction is subtracted too ({@code "-1.5"} is 1.5 s before the epoch).
     *
     * @throws NumberFormatException for anything else
     */
    static PaxTime parse(byte[] v) {
        int dot = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == '.') {
                dot = i;
                break;
            }
        }
        int secondsEnd = dot < 0 ? v.length : dot;
        long seconds = PaxRecords.parseDecimal(v, 0, secondsEnd);
        if (dot < 0 || dot == v.length - 1) return of(seconds, 0);
        long nanos = 0;
        int digits = 0;
        for (int i = dot + 1; i < v.length; i++) {
            int d = v[i] - '0';
            if (d < 0 || d > 9) throw new NumberFormatException("bad fraction in PAX time");
            if (digits < MAX_FRACTION_DIGITS) {
                nanos = nanos * 10 + d;
                digits++;
            }
        }
        for (; digits < MAX_FRACTION_DIGITS; digits++) nanos *= 10;
        return of(seconds, v[0] == '-' ? -nanos : nanos);
    }

    /**
     * Go's {@code time.RFC3339Nano} in UTC ({@code 2006-01-02T15:04:05.999999999Z}: fraction with
     * trailing zeros trimmed, none when zero). Outside years 0..9999 Go's {@code MarshalText} fails
     * and the reference stores an empty string, so this returns {@code ""}.
     */
    String rfc3339Nano() {
        if (seconds < FIRST_TEXT_SECOND || seconds > LAST_TEXT_SECOND) return "";
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(35);
        s.append("%04d-%02d-%02dT%02d:%02d:%02d".formatted(t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond()));
        if (nanos != 0) {
            String fraction = "%09d".formatted(nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') end--;
            s.append('.').append(fraction, 0, end);
        }
        return s.append('Z').toString();
    }
}
