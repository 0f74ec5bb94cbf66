package dev.soci4j.ztoc.testing;

import dev.soci4j.ztoc.CompressionAlgorithm;
import dev.soci4j.ztoc.CompressionInfo;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.fbs.TarZinfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Hand-made and random zTOCs for codec and validator tests; random ones are valid by construction. */
public final class ZtocSamples {
    public static final int GZIP_CHECKPOINT_BYTES = 8 + 8 + 1 + 32768;

    private ZtocSamples() {
    }

    /** One gzip checkpoint: compressed offset, uncompressed offset, bits. */
    public record Checkpoint(long in, long out, int bits) {
    }

    /** A version 2 checkpoints blob ({@code soci-format.md §2}) with zero windows. */
    public static byte[] gzipCheckpoints(long spanSize, Checkpoint... checkpoints) {
        return gzipBlob(checkpoints.length, spanSize, Arrays.asList(checkpoints));
    }

    /** A version 1 blob: checkpoint 0 (in 10, out 0, bits 0) is implied, the rest are stored. */
    public static byte[] gzipCheckpointsV1(long spanSize, Checkpoint... storedFromSecond) {
        return gzipBlob(storedFromSecond.length + 1, spanSize, Arrays.asList(storedFromSecond));
    }

    private static byte[] gzipBlob(int count, long spanSize, List<Checkpoint> stored) {
        ByteBuffer b = ByteBuffer.allocate(12 + stored.size() * GZIP_CHECKPOINT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(count).putLong(spanSize);
        for (Checkpoint c : stored) {
            b.putLong(c.in()).putLong(c.out()).put((byte) c.bits()).position(b.position() + 32768);
        }
        return b.array();
    }

    /** {@code sha256:} and 64 hex digits derived from {@code n}. */
    public static String digest(int n) {
        return "sha256:" + "%064x".formatted(n);
    }

    public static List<String> digests(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(ZtocSamples::digest).toList();
    }

    public static FileMetadata entry(String name, EntryType type, long offset, long size) {
        return new FileMetadata(name, type, offset, size, "", 0644, 0, 0, "", "", FileMetadata.ZERO_TIME, 0, 0,
                List.of());
    }

    /** A small valid uncompressed-layer zTOC (about 1 KiB): three entries, PAX records, 2 spans. */
    public static Ztoc smallTar() {
        List<FileMetadata> files = List.of(
                new FileMetadata("etc/", EntryType.DIR, 512, 0, "", 0755, 0, 0, "root", "root",
                        "2023-07-18T09:09:33.5Z", 0, 0, List.of(new Xattr("mtime", "1689671373.5"))),
                new FileMetadata("etc/passwd", EntryType.REG, 1024, 700, "", 0644, 1000, 1000, "ü", "g",
                        "2023-07-18T09:09:33Z", 0, 0,
                        List.of(new Xattr("SCHILY.xattr.security.capability", new byte[] {1, 0, 0, 2, -1, 0}))),
                new FileMetadata("etc/link", EntryType.SYMLINK, 2560, 0, "passwd", 0777, 0, 0, "", "",
                        FileMetadata.ZERO_TIME, 0, 0, List.of()));
        long size = 4096;
        TarZinfo zinfo = TarZinfo.of(2048, size);
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, size, 3584, files,
                new CompressionInfo(CompressionAlgorithm.UNCOMPRESSED, 1, digests(2), zinfo.encode()));
    }

    /** A small valid gzip zTOC with the given files, sizes and two checkpoints. */
    public static Ztoc gzip(List<FileMetadata> files, long compressedSize, long uncompressedSize) {
        byte[] blob = gzipCheckpoints(1024, new Checkpoint(10, 0, 0), new Checkpoint(40, 2000, 3));
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, compressedSize, uncompressedSize, files,
                new CompressionInfo(CompressionAlgorithm.GZIP, 1, digests(2), blob));
    }

    /** A random zTOC that passes validation: unicode names, binary xattr values, maybe no entries. */
    public static Ztoc randomValid(Random random) {
        List<FileMetadata> files = new ArrayList<>();
        long header = 0;
        int count = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(8);
        EntryType[] types = EntryType.values();
        for (int i = 0; i < count; i++) {
            EntryType type = types[random.nextInt(types.length)];
            long offset = header + 512 * (1 + random.nextInt(3)); // the header plus any extension headers
            long size = type == EntryType.REG ? random.nextInt(5000) : 0;
            files.add(new FileMetadata(text(random, 1 + random.nextInt(40)), type, offset, size,
                    random.nextBoolean() ? text(random, random.nextInt(20)) : "", random.nextLong(0, 07777 + 1),
                    random.nextLong(0, 0x1_0000_0000L), random.nextLong(0, 0x1_0000_0000L), text(random, random.nextInt(8)),
                    text(random, random.nextInt(8)), random.nextBoolean() ? FileMetadata.ZERO_TIME : "2024-02-29T23:59:59.123456789+05:30",
                    random.nextInt(300), random.nextInt(300), xattrs(random)));
            header = Math.ceilDiv(offset + size, 512) * 512;
        }
        long uncompressedSize = header + 1024;
        if (random.nextBoolean()) {
            long spanSize = 512L << random.nextInt(4);
            long tarSize = uncompressedSize + 512L * random.nextInt(20);
            int spans = (int) Math.ceilDiv(tarSize, spanSize);
            return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, tarSize, uncompressedSize, files,
                    new CompressionInfo(CompressionAlgorithm.UNCOMPRESSED, spans - 1, randomDigests(random, spans),
                            TarZinfo.of(spanSize, tarSize).encode()));
        }
        int spans = 1 + random.nextInt(3);
        long spanSize = 1 + uncompressedSize / spans;
        ByteBuffer blob = ByteBuffer.allocate(12 + spans * GZIP_CHECKPOINT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        blob.putInt(spans).putLong(spanSize);
        long in = 10;
        for (int i = 0; i < spans; i++) {
            byte[] window = new byte[32768];
            random.nextBytes(window);
            blob.putLong(in).putLong(i * spanSize).put((byte) (i == 0 ? 0 : random.nextInt(8))).put(window);
            in += 1 + random.nextInt(1000);
        }
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, in + 8, uncompressedSize, files,
                new CompressionInfo(CompressionAlgorithm.GZIP, spans - 1, randomDigests(random, spans), blob.array()));
    }

    private static List<String> randomDigests(Random random, int count) {
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            digests.add("sha256:" + HexFormat.of().formatHex(hash));
        }
        return digests;
    }

    /** PAX records with unique keys in UTF-8 byte order, as the reference writes them. */
    private static List<Xattr> xattrs(Random random) {
        TreeMap<String, byte[]> records = new TreeMap<>(
                Comparator.comparing((String k) -> k.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[random.nextInt(40)];
            random.nextBytes(value); // binary, not UTF-8
            records.put((random.nextBoolean() ? "SCHILY.xattr." : "") + text(random, 1 + random.nextInt(10)), value);
        }
        return records.entrySet().stream().map(e -> new Xattr(e.getKey(), e.getValue())).toList();
    }

    private static final int[][] CODE_POINT_RANGES = {
            {'a', 'z'}, {'0', '9'}, {0x20, 0x7e}, {0xe0, 0xff}, {0x4e00, 0x4e80}, {0x1f600, 0x1f64f}, {0xe000, 0xe010}};

    /** Random text of up to {@code codePoints} code points: ASCII, Latin-1, CJK, emoji, private use. */
    public static String text(Random random, int codePoints) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int[] range = CODE_POINT_RANGES[random.nextInt(CODE_POINT_RANGES.length)];
            s.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
        return s.toString();
    }
}
