package dev.soci4j.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal tar writer for the demo's sample layers: ustar headers, with a PAX {@code path} record for
 * names that do not fit. Not a general-purpose archiver: regular files, directories and symlinks.
 */
final class TarStreamWriter implements AutoCloseable {
    private static final int BLOCK = 512;
    private final OutputStream out;
    private long position;

    TarStreamWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, long mtime) throws IOException {
        header(name.endsWith("/") ? name : name + "/", '5', 0755, 0, "", mtime);
    }

    void symlink(String name, String target, long mtime) throws IOException {
        header(name, '2', 0777, 0, target, mtime);
    }

    /** Starts a regular file; the caller then writes exactly {@code size} bytes with {@link #data}. */
    void file(String name, int mode, long size, long mtime) throws IOException {
        header(name, '0', mode, size, "", mtime);
    }

    void data(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        position += len;
    }

    /** Pads the current file's data to a block boundary. */
    void endFile() throws IOException {
        pad();
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        position += 2 * BLOCK;
        out.close();
    }

    private void pad() throws IOException {
        int rem = (int) (position % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
            position += BLOCK - rem;
        }
    }

    private void header(String name, char type, int mode, long size, String link, long mtime) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            String record = paxRecord("path", name);
            byte[] body = record.getBytes(StandardCharsets.UTF_8);
            writeHeader(("PaxHeaders/" + Math.abs(name.hashCode())).getBytes(StandardCharsets.UTF_8), 'x', 0644,
                    body.length, new byte[0], mtime);
            out.write(body);
            position += body.length;
            pad();
            nameBytes = Arrays.copyOf(nameBytes, 100);
        }
        writeHeader(nameBytes, type, mode, size, link.getBytes(StandardCharsets.UTF_8), mtime);
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int len = body.getBytes(StandardCharsets.UTF_8).length;
        int total = len + String.valueOf(len).length();
        if (String.valueOf(total).length() != String.valueOf(len).length()) total++;
        return total + body;
    }

    private void writeHeader(byte[] name, char type, int mode, long size, byte[] link, long mtime) throws IOException {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        byte[] root = "root".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(root, 0, h, 265, root.length);
        System.arraycopy(root, 0, h, 297, root.length);
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        String chk = String.format("%06o", sum);
        System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
        position += BLOCK;
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) throw new IllegalArgumentException("value " + value + " too large for tar field");
        String padded = "0".repeat(len - 1 - s.length()) + s;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    }
}
