package dev.soci4j.ztoc.fbs;

/**
 * Finds objects in a well-formed FlatBuffers buffer so tests can damage exactly one of them. No
 * checks: it is only pointed at buffers the encoder just wrote.
 */
final class FbsLocator {
    private FbsLocator() {
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    static int i32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    static void putI32(byte[] b, int p, int v) {
        for (int i = 0; i < 4; i++) b[p + i] = (byte) (v >>> 8 * i);
    }

    static void putI64(byte[] b, int p, long v) {
        for (int i = 0; i < 8; i++) b[p + i] = (byte) (v >>> 8 * i);
    }

    static int root(byte[] b) {
        return i32(b, 0);
    }

    /** Position of field {@code slot} of the table at {@code table}, or -1 if absent. */
    static int field(byte[] b, int table, int slot) {
        int vtable = table - i32(b, table);
        if (4 + 2 * slot >= u16(b, vtable)) return -1;
        int off = u16(b, vtable + 4 + 2 * slot);
        return off == 0 ? -1 : table + off;
    }

    /** The object (table, vector or string) that offset field {@code slot} points at. */
    static int child(byte[] b, int table, int slot) {
        int p = field(b, table, slot);
        return p + i32(b, p);
    }

    /** Element {@code i} of a vector of tables or strings. */
    static int element(byte[] b, int vector, int i) {
        int p = vector + 4 + 4 * i;
        return p + i32(b, p);
    }

    /** The first metadata entry's table. */
    static int firstEntry(byte[] b) {
        int toc = child(b, root(b), ZtocSchema.ZtocFields.TOC);
        return element(b, child(b, toc, ZtocSchema.TocFields.METADATA), 0);
    }
}
