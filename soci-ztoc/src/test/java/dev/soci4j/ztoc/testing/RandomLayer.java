package dev.soci4j.ztoc.testing;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.Xattr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded random tar layer with the entries it holds, for tests that must check every file read
 * through a zTOC against the original. Same {@link Random} seed, same bytes.
 *
 * <pre>{@code
 * RandomLayer layer = RandomLayer.builder(random)      // the test's SeededRandom
 *         .format(RandomLayer.Format.PAX)
 *         .entryCount(80)
 *         .spanSizeBytes(64 << 10).maxFileSizeBytes(300 << 10)
 *         .hostileNames(true)
 *         .build();
 * byte[] tar = layer.tar();
 * for (RandomLayer.Entry e : layer.entries()) { ... e.name(), e.type(), e.content() ... }
 * }</pre>
 *
 * <p>The mix: empty, small and compressible-text files, files larger than the span size, explicit
 * directories (names ending in {@code /}) and implicit ones (parents that have no entry), symlinks,
 * hardlinks to earlier files, char and block devices, fifos, names over 100 and over 255 bytes
 * (prefix field in USTAR, {@code L}/{@code K} records in GNU, {@code path}/{@code linkpath} in PAX),
 * unicode names, setuid/setgid/sticky modes, big uids and gids (base-256 in GNU, PAX records in
 * PAX), mtimes with nanoseconds and before 1970 (PAX), {@code SCHILY.xattr.*} records with binary
 * values, empty-valued PAX records and PAX {@code size} overrides. With hostile names on, some
 * entries are named like {@code ../x} or {@code /abs/path}. Entry names are unique.
 *
 * <p>Immutable once built; the arrays handed out are copies.
 */
public final class RandomLayer {
    /** The tar dialect written. */
    public enum Format {
        /** POSIX ustar: names up to 255 bytes via the prefix field, small ids, whole-second times */
        USTAR,
        /** GNU: long names and links as {@code ././@LongLink} records, base-256 for big numbers */
        GNU,
        /** POSIX pax: ustar headers plus per-entry {@code x} records */
        PAX
    }

    /**
     * One entry as written.
     *
     * @param name       the name stored (directories end in {@code /}), never cleaned
     * @param content    the entry's data bytes; empty for everything but regular files (a hardlink's
     *                   bytes are those of the entry named by {@code linkname})
     * @param modTime    with nanoseconds only in PAX layers
     * @param paxRecords every PAX record written for this entry, sorted like a zTOC's xattrs (empty
     *                   outside PAX layers)
     * @param headerOnlySizeField the size field written for a non-regular entry (0 unless the
     *                   generator chose to set a size a reader must not skip)
     */
    public record Entry(
            String name,
            EntryType type,
            byte[] content,
            String linkname,
            long mode,
            long uid,
            long gid,
            String uname,
            String gname,
            Instant modTime,
            long devmajor,
            long devminor,
            List<Xattr> paxRecords,
            long headerOnlySizeField) {
        public Entry {
            content = content.clone();
            paxRecords = List.copyOf(paxRecords);
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        /** The size field a reader reports: the content length, or the header-only size field. */
        public long size() {
            return type == EntryType.REG ? content.length : headerOnlySizeField;
        }
    }

    private final byte[] tar;
    private final List<Entry> entries;
    private final long archiveSize;

    private RandomLayer(byte[] tar, List<Entry> entries, long archiveSize) {
        this.tar = tar;
        this.entries = List.copyOf(entries);
        this.archiveSize = archiveSize;
    }

    public static Builder builder(Random random) {
        return new Builder(random);
    }

    /** The tar bytes (uncompressed), padded with zeros to a 10 KiB record like GNU tar unless disabled. */
    public byte[] tar() {
        return tar.clone();
    }

    /** The entries in tar order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Position just after the two end-of-archive zero blocks (record padding not counted). */
    public long archiveSize() {
        return archiveSize;
    }

    /** Options; every one has a default, so {@code builder(random).build()} works. */
    public static final class Builder {
        private final Random random;
        private int entryCount = 60;
        private int spanSizeBytes = 64 << 10;
        private int maxFileSizeBytes = 200 << 10;
        private Format format = Format.PAX;
        private boolean hostileNames;
        private boolean recordPadding = true;
        private boolean headerOnlySizeFields;

        private Builder(Random random) {
            this.random = Objects.requireNonNull(random, "random");
        }

        /** Number of entries (default 60). */
        public Builder entryCount(int n) {
            if (n < 0) throw new IllegalArgumentException("entry count " + n);
            entryCount = n;
            return this;
        }

        /** Some files are made larger than this (default 64 KiB), if {@link #maxFileSizeBytes} allows. */
        public Builder spanSizeBytes(int n) {
            if (n <= 0) throw new IllegalArgumentException("span size " + n);
            spanSizeBytes = n;
            return this;
        }

        /** Upper bound of a file's size (default 200 KiB). */
        public Builder maxFileSizeBytes(int n) {
            if (n < 0) throw new IllegalArgumentException("max file size " + n);
            maxFileSizeBytes = n;
            return this;
        }

        /** The tar dialect (default PAX). */
        public Builder format(Format f) {
            format = Objects.requireNonNull(f, "format");
            return this;
        }

        /** Also name some entries {@code ../x}, {@code /abs/path}, {@code a/../../b} (default off). */
        public Builder hostileNames(boolean on) {
            hostileNames = on;
            return this;
        }

        /** Pad the archive with zeros to a multiple of 10240 bytes after the end blocks (default on). */
        public Builder recordPadding(boolean on) {
            recordPadding = on;
            return this;
        }

        /**
         * Give some symlinks, hardlinks, devices and fifos a non-zero size field (default off). Readers
         * must not skip data for them (Go's reader does not) and the zTOC records the field as the
         * size; such a zTOC fails the "header start past data offset" check of {@code soci-format.md §1}.
         */
        public Builder headerOnlySizeFields(boolean on) {
            headerOnlySizeFields = on;
            return this;
        }

        public RandomLayer build() {
            return new Generator(this).generate();
        }
    }

    /** Writes one layer; all randomness comes from the builder's Random, in a fixed order. */
    private static final class Generator {
        private static final long[] MODES = {0644, 0644, 0755, 0600, 0444, 04755, 02755, 06755, 01777, 0777};
        private static final String[] WORDS = {"alpha", "layer", "span", "zran", "checkpoint", "index", "soci",
                "lazy", "image", "registry", "blob", "digest", "manifest", "the", "of", "and"};
        private static final String[] UNICODE = {"ünïcødé", "日本語", "Ελληνικά", "emoji-😀", "café", "русский", "ﬁle"};
        private static final long OCTAL7_MAX = 07777777L, OCTAL11_MAX = 077777777777L;

        private final Random r;
        private final Builder o;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<Entry> entries = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final List<String> dirs = new ArrayList<>();
        private final List<Entry> regularFiles = new ArrayList<>();
        private int serial;

        Generator(Builder o) {
            this.o = o;
            this.r = o.random;
        }

        RandomLayer generate() {
            for (int i = 0; i < o.entryCount; i++) writeEntry(nextEntry());
            out.writeBytes(new byte[1024]);
            long archiveSize = out.size();
            if (o.recordPadding && out.size() % 10240 != 0) out.writeBytes(new byte[10240 - out.size() % 10240]);
            return new RandomLayer(out.toByteArray(), entries, archiveSize);
        }

        private Entry nextEntry() {
            int roll = r.nextInt(100);
            EntryType type;
            if (roll < 50) type = EntryType.REG;
            else if (roll < 64) type = EntryType.DIR;
            else if (roll < 74) type = EntryType.SYMLINK;
            else if (roll < 82) type = regularFiles.isEmpty() ? EntryType.REG : EntryType.HARDLINK;
            else if (roll < 87) type = EntryType.CHAR;
            else if (roll < 91) type = EntryType.BLOCK;
            else if (roll < 95) type = EntryType.FIFO;
            else type = EntryType.REG;

            List<Entry> linkable = regularFiles.stream()
                    .filter(f -> o.format != Format.USTAR || utf8(f.name()).length <= 100).toList();
            if (type == EntryType.HARDLINK && linkable.isEmpty()) type = EntryType.SYMLINK;
            String name = uniqueName(type);
            byte[] content = type == EntryType.REG ? content() : new byte[0];
            String linkname = switch (type) {
                case SYMLINK -> symlinkTarget(linkable);
                case HARDLINK -> linkable.get(r.nextInt(linkable.size())).name();
                default -> "";
            };
            long mode = type == EntryType.SYMLINK ? 0777 : MODES[r.nextInt(MODES.length)];
            boolean bigIds = o.format != Format.USTAR && r.nextInt(8) == 0;
            long uid = bigIds ? OCTAL7_MAX + 1 + (r.nextLong() & 0xFFFF_FFFFL) % (0xFFFF_FFFFL - OCTAL7_MAX) : pick(0, 1000, 65534);
            long gid = bigIds ? 0xFFFF_FFFFL - r.nextInt(1000) : pick(0, 100, 65534);
            String uname = pick("root", "user", "", "nobody");
            String gname = pick("root", "staff", "", "nogroup");
            Instant modTime = modTime();
            long devmajor = 0, devminor = 0;
            if (type == EntryType.CHAR || type == EntryType.BLOCK) {
                devmajor = r.nextInt(260);
                devminor = r.nextInt(1 << 12);
            }
            // Header-only types whose size field is set: a reader must not skip that many bytes.
            long headerOnlySize = o.headerOnlySizeFields && type != EntryType.REG && type != EntryType.DIR
                    && r.nextInt(4) == 0 ? 1 + r.nextInt(2000) : 0;
            Entry e = new Entry(name, type, content, linkname, mode, uid, gid, uname, gname, modTime,
                    devmajor, devminor, List.of(), headerOnlySize);
            if (type == EntryType.DIR) dirs.add(name);
            return e;
        }

        private void writeEntry(Entry e) {
            byte[] name = utf8(e.name()), link = utf8(e.linkname());
            long size = e.size();
            byte flag = switch (e.type()) {
                case REG -> (byte) (r.nextInt(10) == 0 ? 0 : '0'); // '\0' is the pre-POSIX regular file
                case HARDLINK -> '1';
                case SYMLINK -> '2';
                case CHAR -> '3';
                case BLOCK -> '4';
                case DIR -> '5';
                case FIFO -> '6';
            };
            long mtimeField = e.modTime().getEpochSecond();
            byte[] nameField = name, prefixField = new byte[0];
            TreeMap<String, byte[]> pax = new TreeMap<>(RandomLayer::compareUtf8);
            long uidField = e.uid(), gidField = e.gid(), sizeField = size;
            switch (o.format) {
                case USTAR -> {
                    int split = ustarSplit(name);
                    if (split > 0) {
                        prefixField = Arrays.copyOfRange(name, 0, split);
                        nameField = Arrays.copyOfRange(name, split + 1, name.length);
                    }
                }
                case GNU -> {
                    if (name.length > 100) writeGnuLong('L', name);
                    if (link.length > 100) writeGnuLong('K', link);
                }
                case PAX -> {
                    if (name.length > 100 || !isAscii(name) || r.nextInt(6) == 0) pax.put("path", name);
                    if (link.length > 100 || !isAscii(link)) pax.put("linkpath", link);
                    if (uidField > OCTAL7_MAX) {
                        pax.put("uid", utf8(Long.toString(uidField)));
                        uidField = 0;
                    }
                    if (gidField > OCTAL7_MAX) {
                        pax.put("gid", utf8(Long.toString(gidField)));
                        gidField = 0;
                    }
                    if (e.modTime().getNano() != 0 || mtimeField < 0 || r.nextInt(4) == 0) {
                        pax.put("mtime", utf8(paxTime(e.modTime())));
                        mtimeField = Math.max(0, mtimeField);
                    }
                    if (r.nextInt(3) == 0) pax.put("atime", utf8(paxTime(modTime())));
                    if (r.nextInt(5) == 0) pax.put("ctime", utf8(paxTime(modTime())));
                    if (r.nextInt(8) == 0) pax.put("gname", new byte[0]); // empty: the header's gname stays
                    if (e.type() == EntryType.REG && r.nextInt(8) == 0) {
                        pax.put("size", utf8(Long.toString(size)));
                        sizeField = 0; // the record overrides the header field
                    }
                    int xattrs = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
                    for (int i = 0; i < xattrs; i++) {
                        byte[] value = new byte[r.nextInt(40)];
                        r.nextBytes(value);
                        pax.put("SCHILY.xattr.user.k" + r.nextInt(100), value);
                    }
                    if (r.nextInt(12) == 0) pax.put("SCHILY.xattr.security.capability", capability());
                    if (!pax.isEmpty()) writePax(name, pax);
                }
            }
            if (nameField.length > 100) nameField = Arrays.copyOf(nameField, 100);
            byte[] header = header(nameField, prefixField, Arrays.copyOf(link, Math.min(link.length, 100)), flag,
                    e.mode(), uidField, gidField, sizeField, mtimeField, e.uname(), e.gname(),
                    e.devmajor(), e.devminor());
            out.writeBytes(header);
            if (e.type() == EntryType.REG) writePadded(e.content());
            List<Xattr> records = new ArrayList<>();
            pax.forEach((k, v) -> records.add(new Xattr(k, v)));
            Entry written = new Entry(e.name(), e.type(), e.content(), e.linkname(), e.mode(), e.uid(), e.gid(),
                    e.uname(), e.gname(), e.modTime(), e.devmajor(), e.devminor(), records, e.headerOnlySizeField());
            entries.add(written);
            if (written.type() == EntryType.REG) regularFiles.add(written);
        }

        private byte[] header(byte[] name, byte[] prefix, byte[] link, byte flag, long mode, long uid, long gid,
                              long size, long mtime, String uname, String gname, long devmajor, long devminor) {
            byte[] h = new byte[512];
            put(h, 0, name);
            number(h, 100, 8, mode);
            number(h, 108, 8, uid);
            number(h, 116, 8, gid);
            number(h, 124, 12, size);
            number(h, 136, 12, mtime);
            h[156] = flag;
            put(h, 157, link);
            put(h, 257, utf8(o.format == Format.GNU ? "ustar  \0" : "ustar\u000000"));
            put(h, 265, utf8(uname));
            put(h, 297, utf8(gname));
            number(h, 329, 8, devmajor);
            number(h, 337, 8, devminor);
            put(h, 345, prefix);
            Arrays.fill(h, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : h) sum += b & 0xFF;
            put(h, 148, utf8("%06o\0".formatted(sum)));
            return h;
        }

        /** Octal with a NUL terminator, or base-256 (GNU only) when octal cannot hold the value. */
        private void number(byte[] h, int off, int len, long v) {
            long octalMax = (1L << (3 * (len - 1))) - 1;
            if (v >= 0 && v <= octalMax) {
                put(h, off, utf8(String.format("%0" + (len - 1) + "o", v)));
                return;
            }
            if (o.format != Format.GNU)
                throw new IllegalStateException("value %d does not fit a %d-byte %s field".formatted(v, len, o.format));
            for (int i = len - 1; i >= 0; i--, v >>= 8) h[off + i] = (byte) v;
            h[off] |= (byte) 0x80;
        }

        private void writeGnuLong(char flag, byte[] value) {
            byte[] data = Arrays.copyOf(value, value.length + 1);
            out.writeBytes(header(utf8("././@LongLink"), new byte[0], new byte[0], (byte) flag, 0, 0, 0,
                    data.length, 0, "root", "root", 0, 0));
            writePadded(data);
        }

        private void writePax(byte[] name, TreeMap<String, byte[]> records) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            // GNU tar writes its records in its own order; shuffle so readers cannot rely on sorted input.
            List<String> keys = new ArrayList<>(records.keySet());
            java.util.Collections.shuffle(keys, r);
            for (String k : keys) {
                byte[] v = records.get(k);
                int body = 1 + utf8(k).length + 1 + v.length + 1; // " k=v\n"
                int len = body + Integer.toString(body).length();
                if (Integer.toString(len).length() != Integer.toString(body).length()) len++;
                data.writeBytes(utf8(len + " " + k + "="));
                data.writeBytes(v);
                data.write('\n');
            }
            byte[] paxName = utf8("PaxHeaders.0/" + serial++);
            out.writeBytes(header(paxName, new byte[0], new byte[0], (byte) 'x', 0644, 0, 0, data.size(), 0,
                    "", "", 0, 0));
            writePadded(data.toByteArray());
        }

        private void writePadded(byte[] data) {
            out.writeBytes(data);
            int pad = -data.length & 511;
            out.writeBytes(new byte[pad]);
        }

        private String uniqueName(EntryType type) {
            for (int attempt = 0; ; attempt++) {
                String name = candidateName(attempt > 20);
                if (type == EntryType.DIR) name += "/";
                byte[] b = utf8(name);
                if (o.format == Format.USTAR && b.length > 100 && ustarSplit(b) < 0) continue;
                if (names.add(name)) return name;
            }
        }

        private String candidateName(boolean plain) {
            if (plain) return "file-" + serial++;
            if (o.hostileNames && r.nextInt(12) == 0)
                return pick("../x", "/abs/path", "a/../../b", "./dot/../../up", "//double") + "-" + serial++;
            StringBuilder s = new StringBuilder();
            int roll = r.nextInt(10);
            if (roll < 4 && !dirs.isEmpty()) s.append(dirs.get(r.nextInt(dirs.size()))); // ends with '/'
            else if (roll < 6) s.append("implicit-").append(r.nextInt(5)).append('/'); // a parent with no entry
            s.append(component());
            if (r.nextInt(10) == 0) s.append('/').append(longComponent(r.nextBoolean() ? 120 : 270));
            return s.toString();
        }

        private String component() {
            return switch (r.nextInt(8)) {
                case 0 -> UNICODE[r.nextInt(UNICODE.length)] + "-" + r.nextInt(1000);
                case 1 -> longComponent(60 + r.nextInt(60));
                default -> WORDS[r.nextInt(WORDS.length)] + "-" + r.nextInt(10000) + pick("", ".txt", ".bin", ".so.1");
            };
        }

        private String longComponent(int length) {
            StringBuilder s = new StringBuilder("long-");
            while (s.length() < length) s.append((char) ('a' + r.nextInt(26)));
            return s.toString();
        }

        private String symlinkTarget(List<Entry> linkable) {
            if (!linkable.isEmpty() && r.nextBoolean()) return linkable.get(r.nextInt(linkable.size())).name();
            int roll = r.nextInt(4);
            if (roll == 0 && o.format != Format.USTAR) return "../" + longComponent(110 + r.nextInt(200)); // long link
            if (roll == 1 && o.format != Format.USTAR) return "→" + UNICODE[r.nextInt(UNICODE.length)];
            return pick("/etc/passwd", "../lib", "target", "a/b/c", "/");
        }

        /**
         * Size classes: empty, small, medium, and (when the max allows) larger than a span. Content is
         * random bytes, compressible text, or both in alternating chunks.
         */
        private byte[] content() {
            int roll = r.nextInt(100);
            int max = o.maxFileSizeBytes;
            int size;
            if (roll < 10 || max == 0) size = 0;
            else if (roll < 65) size = 1 + r.nextInt(Math.min(max, 4096));
            else if (roll < 90) size = 1 + r.nextInt(Math.min(max, 64 << 10));
            else if (max > o.spanSizeBytes) size = o.spanSizeBytes + 1 + r.nextInt(max - o.spanSizeBytes);
            else size = max;
            byte[] b = new byte[size];
            int style = r.nextInt(3);
            int pos = 0;
            while (pos < size) {
                int chunk = Math.min(size - pos, 1 + r.nextInt(8192));
                boolean text = style == 0 || (style == 2 && r.nextBoolean());
                if (text) {
                    for (int i = 0; i < chunk; ) {
                        byte[] w = utf8(WORDS[r.nextInt(WORDS.length)] + (r.nextInt(12) == 0 ? "\n" : " "));
                        for (int j = 0; j < w.length && i < chunk; j++, i++) b[pos + i] = w[j];
                    }
                } else {
                    byte[] rnd = new byte[chunk];
                    r.nextBytes(rnd);
                    System.arraycopy(rnd, 0, b, pos, chunk);
                }
                pos += chunk;
            }
            return b;
        }

        private Instant modTime() {
            long seconds = 1_000_000_000L + r.nextInt(800_000_000);
            int nanos = 0;
            switch (o.format) {
                case PAX -> {
                    if (r.nextInt(6) == 0) seconds = -r.nextInt(2_000_000_000); // before 1970
                    if (r.nextBoolean()) nanos = r.nextInt(1_000_000_000);
                    if (r.nextInt(4) == 0) nanos = nanos / 1_000_000 * 1_000_000; // trailing zeros to trim
                }
                case GNU -> {
                    if (r.nextInt(10) == 0) seconds = -r.nextInt(2_000_000_000); // base-256
                    else if (r.nextInt(10) == 0) seconds = OCTAL11_MAX + 1 + r.nextInt(1_000_000); // year 2242+
                }
                case USTAR -> { }
            }
            return Instant.ofEpochSecond(seconds, nanos);
        }

        private byte[] capability() {
            byte[] v = new byte[20];
            r.nextBytes(v);
            v[0] = 0;
            v[1] = 0;
            v[2] = 0;
            v[3] = 2; // VFS_CAP_REVISION_2, little endian
            return v;
        }

        private long pick(long... values) {
            return values[r.nextInt(values.length)];
        }

        private String pick(String... values) {
            return values[r.nextInt(values.length)];
        }

        /** Where to split a long USTAR name into prefix (<=155) and name (<=100), or -1 when it cannot be. */
        private static int ustarSplit(byte[] name) {
            if (name.length <= 100) return 0;
            int end = name.length;
            if (name[end - 1] == '/') end--; // a directory's trailing slash stays in the name part
            for (int i = Math.min(155, end - 1); i > 0; i--) {
                if (name[i] == '/' && name.length - i - 1 <= 100 && name.length - i - 1 > 0) return i;
            }
            return -1;
        }
    }

    /** Java strings to UTF-8 byte order, which is how a zTOC sorts its xattr keys. */
    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(utf8(a), utf8(b));
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) return false;
        }
        return true;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(byte[] h, int off, byte[] v) {
        System.arraycopy(v, 0, h, off, v.length);
    }

    /** Go's formatPAXTime: seconds, then a trimmed fraction; before 1970 both count away from zero. */
    private static String paxTime(Instant t) {
        long secs = t.getEpochSecond();
        long nanos = t.getNano();
        if (nanos == 0) return Long.toString(secs);
        String sign = "";
        if (secs < 0) {
            sign = "-";
            secs = -(secs + 1);
            nanos = 1_000_000_000L - nanos;
        }
        String s = "%s%d.%09d".formatted(sign, secs, nanos);
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        return s.substring(0, end);
    }
}
