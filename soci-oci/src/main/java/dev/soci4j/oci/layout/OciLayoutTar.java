package dev.soci4j.oci.layout;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.VerifyingChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An OCI layout as a tar archive (what {@code skopeo copy ... oci-archive:} reads and writes):
 * plain ustar of the layout directory's files. Reading extracts into a directory (refusing absolute
 * paths, {@code ..}, links and devices) and opens it as an {@link OciLayoutDirectory}, which then
 * verifies every blob as it is read.
 */
public final class OciLayoutTar {
    private static final int BLOCK = 512;

    private OciLayoutTar() {}

    /** Writes the layout directory as a tar file (files in sorted order, so output is reproducible). */
    public static void write(OciLayoutDirectory layout, Path tar) throws IOException {
        Path root = layout.root();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
            for (Path file : files) {
                String name = root.relativize(file).toString().replace('\\', '/');
                long size = Files.size(file);
                out.write(header(name, size));
                try (InputStream in = Files.newInputStream(file)) {
                    if (in.transferTo(out) != size) throw new IOException(file + " changed while archiving");
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
            }
            out.write(new byte[BLOCK * 2]);
        }
    }

    /** Extracts a layout tar into {@code dir} and opens it. */
    public static OciLayoutDirectory extract(Path tar, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 20)) {
            byte[] block = new byte[BLOCK];
            while (true) {
                if (in.readNBytes(block, 0, BLOCK) != BLOCK) throw new EOFException(tar + ": truncated tar header");
                if (isZero(block)) break;
                String name = string(block, 0, 100);
                String prefix = string(block, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                long size = Long.parseLong(string(block, 124, 12).trim().isEmpty() ? "0" : string(block, 124, 12).trim(), 8);
                char type = (char) (block[156] == 0 ? '0' : block[156]);
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (name.startsWith("./")) name = name.substring(2);
                if (type == '5' || name.isEmpty()) { skip(in, padded, tar); continue; }
                if (type != '0') throw new IOException("%s: entry %s has unsupported type '%c' (only files and directories)".formatted(tar, name, type));
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root) || name.startsWith("/"))
                    throw new IOException("%s: entry %s escapes the layout directory".formatted(tar, name));
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    long copied = new LimitedStream(in, size).transferTo(out);
                    if (copied != size) throw new EOFException("%s: entry %s truncated at %d of %d bytes".formatted(tar, name, copied, size));
                }
                skip(in, padded - size, tar);
            }
        }
        return OciLayoutDirectory.open(root);
    }

    /**
     * Streams one blob straight out of a layout tar (no extraction): finds {@code blobs/sha256/<hex>}
     * by walking the headers and verifies the entry's bytes as they pass (see
     * {@link ImageStore#openBlob}). The caller closes the channel.
     */
    public static ReadableByteChannel openBlob(Path tar, Descriptor blob) throws IOException {
        String wanted = "blobs/" + Digest.ALGORITHM + "/" + blob.digest().hex();
        FileChannel file = FileChannel.open(tar);
        try {
            ByteBuffer header = ByteBuffer.allocate(BLOCK);
            for (long at = 0; ; ) {
                header.clear();
                while (header.hasRemaining()) if (file.read(header, at + header.position()) < 0) throw new EOFException(tar + ": truncated tar header");
                byte[] block = header.array();
                if (isZero(block)) break;
                String name = string(block, 0, 100);
                String prefix = string(block, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                if (name.startsWith("./")) name = name.substring(2);
                String octal = string(block, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                char type = (char) (block[156] == 0 ? '0' : block[156]);
                if (type == '0' && name.equals(wanted))
                    return new VerifyingChannel(new EntryChannel(file, at + BLOCK, size), blob, "blob %s in layout tar %s".formatted(blob.digest(), tar));
                at += BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        file.close();
        throw new BlobNotFoundException("read blob %s from layout tar %s".formatted(blob.digest(), tar), 0, "no entry " + wanted);
    }

    /** {@code length} bytes of a file from {@code start}; closing closes the file. */
    private static final class EntryChannel implements ReadableByteChannel {
        private final FileChannel file;
        private final long end;
        private long position;

        EntryChannel(FileChannel file, long start, long length) {
            this.file = file;
            this.position = start;
            this.end = start + length;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= end) return -1;
            ByteBuffer window = dst.remaining() > end - position ? dst.slice().limit((int) (end - position)) : dst;
            int n = file.read(window, position);
            if (n < 0) throw new EOFException("tar entry truncated at byte %d of %d".formatted(position, end));
            if (window != dst) dst.position(dst.position() + n);
            position += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private static void skip(InputStream in, long n, Path tar) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new EOFException(tar + ": truncated tar entry");
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private static String string(byte[] block, int off, int len) {
        int end = off;
        while (end < off + len && block[end] != 0) end++;
        return new String(block, off, end - off, StandardCharsets.UTF_8);
    }

    private static byte[] header(String name, long size) throws IOException {
        byte[] h = new byte[BLOCK];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) throw new IOException("tar entry name longer than 100 bytes: " + name);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = '0';
        put(h, 257, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static final class LimitedStream extends InputStream {
        private final InputStream in;
        private long left;

        LimitedStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
