package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of one PAX extended header ({@code x} or {@code g}), parsed as strictly as Go's
 * {@code parsePAX} / {@code parsePAXRecord}. Later duplicates win. Kept sorted by key in UTF-8 byte
 * order (equal to code point order), the order the zTOC stores them in ({@code soci-format.md §1}).
 */
final class PaxRecords {
    static final String PATH = "path", LINKPATH = "linkpath", UNAME = "uname", GNAME = "gname";
    static final String UID = "uid", GID = "gid", SIZE = "size";
    static final String MTIME = "mtime", ATIME = "atime", CTIME = "ctime";
    static final String GNU_SPARSE_PREFIX = "GNU.sparse.";

    /** UTF-8 byte order: for well-formed strings it is code point order (String.compareTo is UTF-16 order). */
    static final Comparator<String> UTF8_ORDER = (a, b) -> {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final TreeMap<String, byte[]> records;

    private PaxRecords(TreeMap<String, byte[]> records) {
        this.records = records;
    }

    /**
     * Parses the data of a PAX header: records {@code "%d %s=%s\n"} whose length counts the whole
     * record. Anything else (missing space, bad or out-of-range length, no newline, empty key, NUL in a
     * key or in a path/linkpath/uname/gname value) fails like Go's {@code ErrHeader}.
     *
     * @throws IllegalArgumentException with the reason; the scanner adds entry and offset
     */
    static PaxRecords parse(byte[] data) {
        TreeMap<String, byte[]> records = new TreeMap<>(UTF8_ORDER);
        int pos = 0;
        while (pos < data.length) {
            int space = indexOf(data, pos, data.length, (byte) ' ');
            if (space < 0) throw new IllegalArgumentException("record at byte %d has no length".formatted(pos));
            long n;
            try {
                n = parseDecimal(data, pos, space);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("record at byte %d: bad length: %s".formatted(pos, e.getMessage()));
            }
            if (n < 5 || n > data.length - pos)
                throw new IllegalArgumentException("record at byte %d: length %d outside 5..%d"
                        .formatted(pos, n, data.length - pos));
            int end = (int) (pos + n); // exclusive; the record's last byte must be '\n'
            if (end <= space + 1 || data[end - 1] != '\n')
                throw new IllegalArgumentException("record at byte %d of length %d does not end in a newline"
                        .formatted(pos, n));
            int eq = indexOf(data, space + 1, end - 1, (byte) '=');
            if (eq < 0) throw new IllegalArgumentException("record at byte %d has no '='".formatted(pos));
            if (eq == space + 1) throw new IllegalArgumentException("record at byte %d has an empty key".formatted(pos));
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            boolean textValue = key.equals(PATH) || key.equals(LINKPATH) || key.equals(UNAME) || key.equals(GNAME);
            if (textValue ? indexOf(value, 0, value.length, (byte) 0) >= 0 : key.indexOf('\0') >= 0)
                throw new IllegalArgumentException("record %s at byte %d holds a NUL".formatted(key, pos));
            records.put(key, value);
            pos = end;
        }
        return new PaxRecords(records);
    }

    boolean hasGnuSparse() {
        for (String k : records.keySet()) {
            if (k.startsWith(GNU_SPARSE_PREFIX)) return true;
        }
        return false;
    }

    /** The records as zTOC xattrs: all of them, sorted by key. */
    List<Xattr> toXattrs() {
        List<Xattr> out = new ArrayList<>(records.size());
        for (Map.Entry<String, byte[]> e : records.entrySet()) out.add(new Xattr(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * Overrides header values like Go's {@code mergePAX}: path, linkpath, uname, gname, uid, gid, size,
     * mtime replace the header's; an empty value keeps the header's. atime and ctime are validated
     * only (Go fails the header on a bad one) since the zTOC does not store them.
     *
     * @throws IllegalArgumentException naming the record whose value Go would reject
     */
    void applyTo(EntryFields entry) {
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            byte[] v = e.getValue();
            if (v.length == 0) continue;
            String key = e.getKey();
            try {
                switch (key) {
                    case PATH -> entry.name = text(v);
                    case LINKPATH -> entry.linkname = text(v);
                    case UNAME -> entry.uname = text(v);
                    case GNAME -> entry.gname = text(v);
                    case UID -> entry.uid = parseDecimal(v, 0, v.length);
                    case GID -> entry.gid = parseDecimal(v, 0, v.length);
                    case SIZE -> entry.size = parseDecimal(v, 0, v.length);
                    case MTIME -> entry.mtime = PaxTime.parse(v);
                    case ATIME, CTIME -> PaxTime.parse(v);
                    default -> { }
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("PAX record %s=\"%s\" is invalid: %s"
                        .formatted(key, TarHeader.printable(v, 0, Math.min(v.length, 64)), ex.getMessage()));
            }
        }
    }

    private static String text(byte[] v) {
        return new String(v, StandardCharsets.UTF_8);
    }

    /**
     * A signed decimal as Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits only
     * (Java's parser would also take other Unicode digits), no overflow.
     */
    static long parseDecimal(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) negative = b[i++] == '-';
        if (i == to) throw new NumberFormatException("no digits");
        long x = 0; // accumulated negatively so Long.MIN_VALUE fits
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) throw new NumberFormatException("\"%s\" is not a decimal number"
                    .formatted(TarHeader.printable(b, from, Math.min(to - from, 32))));
            if (x < (Long.MIN_VALUE + d) / 10) throw new NumberFormatException("value overflows 64 bits");
            x = x * 10 - d;
        }
        if (negative) return x;
        if (x == Long.MIN_VALUE) throw new NumberFormatException("value overflows 64 bits");
        return -x;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) return i;
        }
        return -1;
    }
}
