package dev.soci4j.ztoc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-written ustar archives with exactly the names a test needs (RandomLayer picks its own). */
final class TarWriter {
    private TarWriter() {
    }

    record Entry(String name, char typeFlag, String linkname, byte[] content) {
    }

    static Entry file(String name, String content) {
        return new Entry(name, '0', "", content.getBytes(StandardCharsets.UTF_8));
    }

    static Entry symlink(String name, String target) {
        return new Entry(name, '2', target, new byte[0]);
    }

    /** The entries, two zero blocks, no record padding. */
    static byte[] tar(Entry... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] h = new byte[512];
            put(h, 0, e.name);
            put(h, 100, "%07o".formatted(e.typeFlag == '2' ? 0777 : 0644));
            put(h, 108, "%07o".formatted(0));
            put(h, 116, "%07o".formatted(0));
            put(h, 124, "%011o".formatted(e.content.length));
            put(h, 136, "%011o".formatted(1_700_000_000L));
            h[156] = (byte) e.typeFlag;
            put(h, 157, e.linkname);
            put(h, 257, "ustar\u000000");
            for (int i = 148; i < 156; i++) h[i] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, "%06o\0".formatted(sum));
            out.writeBytes(h);
            out.writeBytes(e.content);
            out.writeBytes(new byte[-e.content.length & 511]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
