package dev.soci4j.ztoc.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Hand-made tar blocks for tests that need exact, sometimes broken, headers. */
final class TarBlocks {
    static final byte[] END = new byte[1024];

    private TarBlocks() {
    }

    /** A mutable USTAR header block; {@link #bytes()} fills in the checksum. */
    static final class Header {
        final byte[] b = new byte[512];

        Header(String name, char type, long size) {
            text(0, 100, name);
            octal(100, 8, 0644);
            octal(108, 8, 1000);
            octal(116, 8, 100);
            octal(124, 12, size);
            octal(136, 12, 1_700_000_000L);
            b[156] = (byte) type;
            text(257, 8, "ustar\u000000");
            text(265, 32, "alice");
            text(297, 32, "staff");
            octal(329, 8, 0);
            octal(337, 8, 0);
        }

        Header text(int off, int len, String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            if (v.length > len) throw new IllegalArgumentException(s + " longer than " + len);
            Arrays.fill(b, off, off + len, (byte) 0);
            System.arraycopy(v, 0, b, off, v.length);
            return this;
        }

        Header octal(int off, int len, long v) {
            return text(off, len, String.format("%0" + (len - 1) + "o", v));
        }

        /** Base-256: two's complement big-endian with the 0x80 marker on the first byte. */
        Header base256(int off, int len, long v) {
            for (int i = len - 1; i >= 0; i--, v >>= 8) b[off + i] = (byte) v;
            b[off] |= (byte) 0x80;
            return this;
        }

        Header raw(int off, byte... v) {
            System.arraycopy(v, 0, b, off, v.length);
            return this;
        }

        Header gnu() {
            return text(257, 8, "ustar  \0");
        }

        Header v7() {
            return text(257, 8, "");
        }

        byte[] bytes() {
            byte[] h = b.clone();
            Arrays.fill(h, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte x : h) sum += x & 0xFF;
            System.arraycopy(String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 7);
            return h;
        }
    }

    static Header header(String name, char type, long size) {
        return new Header(name, type, size);
    }

    /** A regular file: header and padded data. */
    static byte[] file(String name, byte[] data) {
        return concat(header(name, '0', data.length).bytes(), padded(data));
    }

    /** A PAX header of {@code type} ('x' or 'g') holding the given raw record data. */
    static byte[] paxHeader(char type, byte[] recordData) {
        return concat(header("PaxHeaders/x", type, recordData.length).bytes(), padded(recordData));
    }

    /** Well-formed PAX records from key, value pairs. */
    static byte[] records(String... kv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < kv.length; i += 2) out.writeBytes(record(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    static byte[] record(String key, byte[] value) {
        int body = 1 + key.getBytes(StandardCharsets.UTF_8).length + 1 + value.length + 1;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) len++;
        return concat((len + " " + key + "=").getBytes(StandardCharsets.UTF_8), value, new byte[] {'\n'});
    }

    /** A GNU long name ('L') or long link ('K') header with its data. */
    static byte[] gnuLong(char type, String value) {
        byte[] data = (value + "\0").getBytes(StandardCharsets.UTF_8);
        return concat(header("././@LongLink", type, data.length).gnu().bytes(), padded(data));
    }

    /** Recomputes the checksum of every non-zero block, so mutated headers get past the checksum. */
    static void fixChecksums(byte[] tar) {
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            boolean zero = true;
            for (int i = off; i < off + 512 && zero; i++) zero = tar[i] == 0;
            if (zero) continue;
            java.util.Arrays.fill(tar, off + 148, off + 156, (byte) ' ');
            long sum = 0;
            for (int i = off; i < off + 512; i++) sum += tar[i] & 0xFF;
            System.arraycopy(String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII), 0, tar, off + 148, 7);
        }
    }

    static byte[] padded(byte[] data) {
        return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
