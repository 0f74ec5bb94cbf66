package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the TOC of a reference-written zTOC straight from its FlatBuffers bytes
 * ({@code soci-format.md §1}), independent of the project's codec, so the scanner can be compared
 * with what the reference recorded.
 */
record GoldenToc(List<FileMetadata> entries, long uncompressedArchiveSize) {

    static GoldenToc read(byte[] ztoc) {
        ByteBuffer b = ByteBuffer.wrap(ztoc).order(ByteOrder.LITTLE_ENDIAN);
        int root = b.getInt(0);
        long archiveSize = longField(b, root, 3);
        int toc = table(b, root, 4);
        int vector = vector(b, toc, 0);
        int n = b.getInt(vector);
        List<FileMetadata> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = vector + 4 + 4 * i;
            int m = slot + b.getInt(slot);
            List<Xattr> xattrs = new ArrayList<>();
            int xv = vector(b, m, 13);
            if (xv >= 0) {
                for (int j = 0; j < b.getInt(xv); j++) {
                    int xs = xv + 4 + 4 * j;
                    int x = xs + b.getInt(xs);
                    xattrs.add(new Xattr(new String(stringBytes(b, x, 0), StandardCharsets.UTF_8), stringBytes(b, x, 1)));
                }
            }
            String type = string(b, m, 1);
            entries.add(new FileMetadata(string(b, m, 0),
                    EntryType.fromWireName(type).orElseThrow(() -> new IllegalStateException("type " + type)),
                    longField(b, m, 2), longField(b, m, 3), string(b, m, 4), longField(b, m, 5),
                    Integer.toUnsignedLong((int) intField(b, m, 6)), Integer.toUnsignedLong((int) intField(b, m, 7)),
                    string(b, m, 8), string(b, m, 9), string(b, m, 10), longField(b, m, 11), longField(b, m, 12),
                    xattrs));
        }
        return new GoldenToc(entries, archiveSize);
    }

    /** Position of field {@code id} in table {@code t}, or -1 when absent (default value). */
    private static int field(ByteBuffer b, int t, int id) {
        int vtable = t - b.getInt(t);
        int vsize = Short.toUnsignedInt(b.getShort(vtable));
        int at = 4 + 2 * id;
        if (at >= vsize) return -1;
        int off = Short.toUnsignedInt(b.getShort(vtable + at));
        return off == 0 ? -1 : t + off;
    }

    private static long longField(ByteBuffer b, int t, int id) {
        int p = field(b, t, id);
        return p < 0 ? 0 : b.getLong(p);
    }

    private static long intField(ByteBuffer b, int t, int id) {
        int p = field(b, t, id);
        return p < 0 ? 0 : b.getInt(p);
    }

    private static int table(ByteBuffer b, int t, int id) {
        int p = field(b, t, id);
        return p + b.getInt(p);
    }

    private static int vector(ByteBuffer b, int t, int id) {
        int p = field(b, t, id);
        return p < 0 ? -1 : p + b.getInt(p);
    }

    private static byte[] stringBytes(ByteBuffer b, int t, int id) {
        int p = vector(b, t, id);
        if (p < 0) return new byte[0];
        int len = b.getInt(p);
        return Arrays.copyOfRange(b.array(), p + 4, p + 4 + len);
    }

    private static String string(ByteBuffer b, int t, int id) {
        return new String(stringBytes(b, t, id), StandardCharsets.UTF_8);
    }
}
