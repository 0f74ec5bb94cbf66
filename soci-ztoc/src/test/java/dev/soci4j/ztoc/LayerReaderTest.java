package dev.soci4j.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.testing.RandomLayer;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SeededRandom.class)
class LayerReaderTest {
    /** Small enough that the random layers (~1-3 MiB) have dozens of spans. */
    private static final int SPAN_BYTES = 32 << 10;

    /** A random layer, its blob, and the zTOC built from it. */
    record Built(RandomLayer layer, byte[] tar, byte[] blob, Ztoc ztoc) {
        static Built of(Random random, RandomLayer.Format format, boolean hostile, GzipLayers compression, int entries)
                throws IOException, InterruptedException {
            RandomLayer layer = RandomLayer.builder(random).format(format).hostileNames(hostile)
                    .entryCount(entries).spanSizeBytes(2 * SPAN_BYTES).maxFileSizeBytes(300 << 10).build();
            byte[] tar = layer.tar();
            byte[] blob = compression.layer(tar, random);
            Ztoc ztoc = new ZtocBuilder(SPAN_BYTES).build(Channels.newChannel(new ByteArrayInputStream(blob)));
            return new Built(layer, tar, blob, ztoc);
        }

        LayerReader reader() throws InvalidZtocException {
            return new LayerReader(ztoc, RangeSource.ofBytes(blob));
        }

        /** What a path holds once the tar is extracted: the last entry of each cleaned name wins. */
        Map<String, RandomLayer.Entry> extracted() {
            Map<String, RandomLayer.Entry> byPath = new HashMap<>();
            for (RandomLayer.Entry e : layer.entries()) byPath.put(TocPaths.clean(e.name()), e);
            return byPath;
        }
    }

    static Stream<Arguments> layers() {
        List<Arguments> cases = new ArrayList<>();
        for (GzipLayers compression : GzipLayers.values()) {
            for (RandomLayer.Format format : RandomLayer.Format.values()) {
                for (boolean hostile : new boolean[] {false, true}) cases.add(Arguments.of(compression, format, hostile));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} hostile={2}")
    @MethodSource("layers")
    void readsEveryFileAndRangeAsWritten(GzipLayers compression, RandomLayer.Format format, boolean hostile,
                                         Random random) throws Exception {
        Built b = Built.of(random, format, hostile, compression, 80);
        Map<String, RandomLayer.Entry> extracted = b.extracted();
        assertThat(b.ztoc.files()).hasSize(b.layer.entries().size());
        assertThat(b.ztoc.uncompressedArchiveSize()).isEqualTo(b.layer.archiveSize());
        if (compression != GzipLayers.TAR) assertThat(b.ztoc.numSpans()).isGreaterThan(5);

        try (LayerReader reader = b.reader()) {
            for (int i = 0; i < b.ztoc.files().size(); i++) {
                FileMetadata f = b.ztoc.files().get(i);
                RandomLayer.Entry written = b.layer.entries().get(i);
                assertThat(f.name()).isEqualTo(written.name());
                switch (f.type()) {
                    case REG -> {
                        assertThat(reader.readFile(f)).as(f.name()).isEqualTo(written.content());
                        assertThat(readInOddChunks(reader.openFile(f), random)).as(f.name()).isEqualTo(written.content());
                    }
                    case HARDLINK -> {
                        RandomLayer.Entry target = extracted.get(TocPaths.clean(written.linkname()));
                        if (target.type() == EntryType.REG) {
                            assertThat(reader.readFile(f)).as("%s -> %s", f.name(), f.linkname())
                                    .isEqualTo(target.content());
                        } else {
                            // the target's name was reused by a later entry of another type
                            assertThatThrownBy(() -> reader.readFile(f)).isInstanceOf(IOException.class);
                        }
                    }
                    case SYMLINK, DIR, CHAR, BLOCK, FIFO -> assertThatThrownBy(() -> reader.readFile(f))
                            .isInstanceOf(IOException.class)
                            .hasMessageContaining("not a regular file");
                }
            }
            for (var e : extracted.entrySet()) {
                assertThat(reader.lookup(e.getKey())).as(e.getKey())
                        .hasValueSatisfying(f -> assertThat(f.name()).isEqualTo(e.getValue().name()));
            }
            long size = b.ztoc.uncompressedArchiveSize();
            for (int n = 0; n < 200; n++) {
                long offset = random.nextLong(size + 1);
                int length = (int) Math.min(size - offset, random.nextInt(4) == 0 ? random.nextInt(3 * SPAN_BYTES) : random.nextInt(3000));
                byte[] dst = new byte[length + 2];
                reader.readFully(offset, dst, 1, length);
                assertThat(Arrays.copyOfRange(dst, 1, length + 1)).as("[%d, +%d)", offset, length)
                        .isEqualTo(Arrays.copyOfRange(b.tar, (int) offset, (int) offset + length));
                assertThat(dst[0]).isZero();
                assertThat(dst[length + 1]).isZero();
            }
        }
        Ztoc decoded = ZtocCodec.decode(ZtocCodec.encode(b.ztoc));
        assertThat(decoded).isEqualTo(b.ztoc);
        ZtocValidator.validate(b.ztoc);
    }

    @Test
    void manyThreadsShareOneReader(Random random) throws Exception {
        Built b = Built.of(random, RandomLayer.Format.PAX, true, GzipLayers.MULTI_MEMBER, 80);
        List<FileMetadata> files = b.ztoc.files().stream().filter(f -> f.type() == EntryType.REG).toList();
        Map<String, byte[]> expected = new HashMap<>();
        for (int i = 0; i < b.ztoc.files().size(); i++) {
            if (b.ztoc.files().get(i).type() == EntryType.REG)
                expected.put(b.ztoc.files().get(i).name(), b.layer.entries().get(i).content());
        }
        int threads = 32;
        long[] seeds = random.longs(threads).toArray();

        try (LayerReader reader = b.reader(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random own = new Random(seeds[t]);
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int n = 0; n < 60; n++) {
                        FileMetadata f = files.get(own.nextInt(files.size()));
                        byte[] got = own.nextBoolean() ? reader.readFile(f) : readInOddChunks(reader.openFile(f), own);
                        assertThat(got).as(f.name()).isEqualTo(expected.get(f.name()));
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> r : results) assertThat(r.get()).isEqualTo(60);
        }
    }

    @Test
    void aCorruptSpanFailsVerificationAndNoOtherSpanIsAffected(Random random) throws Exception {
        for (GzipLayers compression : List.of(GzipLayers.LEVEL_6, GzipLayers.TAR)) {
            Built b = Built.of(random, RandomLayer.Format.GNU, false, compression, 60);
            SpanTable spans = SpanTable.of(b.ztoc);
            int bad = 1 + random.nextInt(spans.count() - 2);
            Span span = spans.span(bad);
            byte[] blob = b.blob.clone();
            // the middle of the span: not the byte it may share with a neighbour
            blob[(int) ((span.compressedStart() + span.compressedEnd()) / 2)] ^= 0x10;
            LayerReader reader = new LayerReader(b.ztoc, RangeSource.ofBytes(blob));

            byte[] dst = new byte[(int) span.uncompressedLength()];
            Arrays.fill(dst, (byte) 0x5a);
            assertThatThrownBy(() -> reader.readFully(span.uncompressedStart(), dst, 0, dst.length))
                    .as(compression.name())
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining("span " + bad + " ")
                    .hasMessageContaining(span.digest());
            assertThat(dst).as("nothing written").containsOnly((byte) 0x5a);

            // a read across the bad span: the spans before it are written, the bad one is not
            long from = spans.span(bad - 1).uncompressedStart();
            byte[] across = new byte[(int) (span.uncompressedEnd() - from)];
            Arrays.fill(across, (byte) 0x5a);
            assertThatThrownBy(() -> reader.readFully(from, across, 0, across.length))
                    .isInstanceOf(DigestMismatchException.class);
            int good = (int) (span.uncompressedStart() - from);
            assertThat(Arrays.copyOfRange(across, 0, good)).isEqualTo(Arrays.copyOfRange(b.tar, (int) from, (int) from + good));
            assertThat(Arrays.copyOfRange(across, good, across.length)).containsOnly((byte) 0x5a);

            for (int i = 0; i < b.ztoc.files().size(); i++) {
                FileMetadata f = b.ztoc.files().get(i);
                if (f.type() != EntryType.REG) continue;
                int first = spans.spanOf(f.uncompressedOffset());
                int last = spans.spanOf(Math.max(f.uncompressedOffset(), f.uncompressedEnd() - 1));
                boolean touchesBad = f.uncompressedSize() > 0 && first <= bad && bad <= last;
                if (touchesBad) {
                    assertThatThrownBy(() -> reader.readFile(f)).isInstanceOf(DigestMismatchException.class);
                    // a stream that failed once must fail again, not hand out a zeroed buffer
                    InputStream in = reader.openFile(f);
                    byte[] buf = new byte[(int) f.uncompressedSize()];
                    int got = 0;
                    boolean failed = false;
                    for (int attempt = 0; attempt < 3 && got < buf.length; attempt++) {
                        try {
                            int n = in.read(buf, got, buf.length - got);
                            if (n < 0) break;
                            got += n;
                        } catch (DigestMismatchException e) {
                            failed = true;
                        }
                    }
                    assertThat(failed).as(f.name()).isTrue();
                    assertThat(Arrays.mismatch(Arrays.copyOf(buf, got), Arrays.copyOf(b.layer.entries().get(i).content(), got)))
                            .as("first wrong byte handed out for %s (of %d)", f.name(), got).isEqualTo(-1);
                    assertThat(got).isLessThan(buf.length);
                } else {
                    assertThat(reader.readFile(f)).as(f.name()).isEqualTo(b.layer.entries().get(i).content());
                }
            }
        }
    }

    @Test
    void aSourceShorterThanTheLayerIsAClearIOException(Random random) throws Exception {
        Built b = Built.of(random, RandomLayer.Format.PAX, false, GzipLayers.LEVEL_6, 40);
        byte[] shorter = Arrays.copyOf(b.blob, b.blob.length - 100);
        LayerReader reader = new LayerReader(b.ztoc, RangeSource.ofBytes(shorter));
        Span last = reader.spans().span(reader.spans().count() - 1);

        assertThatThrownBy(() -> reader.readFully(last.uncompressedStart(), new byte[1], 0, 1))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining(Long.toString(last.compressedStart()))
                .hasMessageContaining(Integer.toString(shorter.length));
    }

    @Test
    void rejectsRangesOutsideTheLayer(Random random) throws Exception {
        Built b = Built.of(random, RandomLayer.Format.PAX, false, GzipLayers.LEVEL_6, 10);
        LayerReader reader = b.reader();
        long size = b.ztoc.uncompressedArchiveSize();

        assertThatThrownBy(() -> reader.readFully(size - 1, new byte[2], 0, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("outside the layer");
        assertThatThrownBy(() -> reader.readFully(-1, new byte[2], 0, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("outside the layer");
        assertThatThrownBy(() -> reader.readFully(Long.MAX_VALUE - 1, new byte[10], 0, 10))
                .isInstanceOf(IOException.class).hasMessageContaining("outside the layer");
    }

    @Test
    void anEntryPastTheArchiveIsAnInvalidZtoc() throws Exception {
        Built b = tinyLayer();
        FileMetadata f = b.ztoc.files().getFirst();
        FileMetadata past = withOffset(f, b.ztoc.uncompressedArchiveSize() - 10);
        LayerReader reader = b.reader();

        assertThatThrownBy(() -> reader.readFile(past))
                .isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("past the layer");
        assertThatThrownBy(() -> reader.openFile(past)).isInstanceOf(InvalidZtocException.class);
        assertThatThrownBy(() -> ZtocValidator.validate(withFiles(b.ztoc, List.of(past))))
                .isInstanceOf(InvalidZtocException.class);
    }

    @Test
    void hardlinkLoopsAndMissingTargetsAreInvalidZtocs() throws Exception {
        Built b = tinyLayer();
        FileMetadata reg = b.ztoc.files().getFirst();
        FileMetadata a = link(reg, "a", "b");
        FileMetadata bLink = link(reg, "b", "./a");
        FileMetadata self = link(reg, "self", "/self");
        FileMetadata dangling = link(reg, "dangling", "nowhere");
        LayerReader reader = new LayerReader(withFiles(b.ztoc, List.of(reg, a, bLink, self, dangling)),
                RangeSource.ofBytes(b.blob));

        assertThatThrownBy(() -> reader.readFile(a)).isInstanceOf(InvalidZtocException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> reader.openFile(self)).isInstanceOf(InvalidZtocException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> reader.readFile(dangling))
                .isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("nowhere")
                .hasMessageContaining("not in the layer");
    }

    @Test
    void lookupsNeverLeaveTheLayer(Random random) throws Exception {
        byte[] tar = TarWriter.tar(
                TarWriter.file("../evil", "evil bytes"),
                TarWriter.file("etc/passwd", "root:x:0:0"),
                TarWriter.symlink("link", "/etc/shadow"),
                TarWriter.symlink("up", "../../etc/passwd"));
        byte[] gz = GzipLayers.LEVEL_6.layer(tar, random);
        Ztoc ztoc = new ZtocBuilder(SPAN_BYTES).build(Channels.newChannel(new ByteArrayInputStream(gz)));
        LayerReader reader = new LayerReader(ztoc, RangeSource.ofBytes(gz));

        FileMetadata evil = reader.lookup("evil").orElseThrow();
        assertThat(evil.name()).isEqualTo("../evil");
        assertThat(reader.readFile(evil)).asString().isEqualTo("evil bytes");
        assertThat(reader.lookup("../evil")).contains(evil);
        assertThat(reader.lookup("/../../evil")).contains(evil);
        for (String path : List.of("../../etc/passwd", "/etc/passwd", "a/../../etc/passwd", "etc/./passwd", "//etc//passwd/")) {
            assertThat(reader.lookup(path)).as(path).hasValueSatisfying(f -> assertThat(f.name()).isEqualTo("etc/passwd"));
        }
        assertThat(reader.lookup("a/../../b")).isEmpty();
        assertThat(reader.lookup("../etc/shadow")).isEmpty();

        for (String symlink : List.of("link", "up")) {
            FileMetadata f = reader.lookup(symlink).orElseThrow();
            assertThatThrownBy(() -> reader.readFile(f)).as(symlink)
                    .isInstanceOf(IOException.class).hasMessageContaining("symlink");
            assertThatThrownBy(() -> reader.openFile(f)).as(symlink)
                    .isInstanceOf(IOException.class).hasMessageContaining("symlink");
        }
    }

    @Test
    void cleanResolvesDotsInsideTheRoot() {
        assertThat(TocPaths.clean("../../etc/passwd")).isEqualTo("etc/passwd");
        assertThat(TocPaths.clean("/etc/passwd")).isEqualTo("etc/passwd");
        assertThat(TocPaths.clean("a/../../b")).isEqualTo("b");
        assertThat(TocPaths.clean("./a/./b/")).isEqualTo("a/b");
        assertThat(TocPaths.clean("..")).isEmpty();
        assertThat(TocPaths.clean("./")).isEmpty();
        assertThat(TocPaths.clean("")).isEmpty();
        assertThat(TocPaths.clean("a/..b/...")).isEqualTo("a/..b/...");
    }

    @Test
    void aStreamSkipsAndIgnoresNegativeSkips(Random random) throws Exception {
        Built b = Built.of(random, RandomLayer.Format.PAX, false, GzipLayers.LEVEL_6, 60);
        int i = 0;
        while (b.ztoc.files().get(i).type() != EntryType.REG || b.ztoc.files().get(i).uncompressedSize() < 3 * SPAN_BYTES / 2)
            i++;
        FileMetadata f = b.ztoc.files().get(i);
        byte[] content = b.layer.entries().get(i).content();
        LayerReader reader = b.reader();

        try (InputStream in = reader.openFile(f)) {
            byte[] first = in.readNBytes(100);
            assertThat(in.skip(-50)).isZero();
            assertThat(in.skip(SPAN_BYTES)).isEqualTo(SPAN_BYTES);
            byte[] rest = in.readAllBytes();
            assertThat(first).isEqualTo(Arrays.copyOf(content, 100));
            assertThat(rest).isEqualTo(Arrays.copyOfRange(content, 100 + SPAN_BYTES, content.length));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    private static Built tinyLayer() throws IOException {
        byte[] tar = TarWriter.tar(TarWriter.file("f", "0123456789".repeat(100)));
        Ztoc ztoc = new ZtocBuilder(SPAN_BYTES).build(Channels.newChannel(new ByteArrayInputStream(tar)));
        return new Built(null, tar, tar, ztoc);
    }

    private static Ztoc withFiles(Ztoc z, List<FileMetadata> files) {
        return new Ztoc(z.version(), z.buildToolIdentifier(), z.compressedArchiveSize(), z.uncompressedArchiveSize(),
                files, z.compressionInfo());
    }

    private static FileMetadata withOffset(FileMetadata f, long offset) {
        return new FileMetadata(f.name(), f.type(), offset, f.uncompressedSize(), f.linkname(), f.mode(), f.uid(),
                f.gid(), f.uname(), f.gname(), f.modTime(), f.devmajor(), f.devminor(), f.xattrs());
    }

    private static FileMetadata link(FileMetadata like, String name, String target) {
        return new FileMetadata(name, EntryType.HARDLINK, like.uncompressedEnd() + 512, 0, target, 0644, 0, 0, "", "",
                FileMetadata.ZERO_TIME, 0, 0, List.of());
    }

    /** Reads a stream to its end in random chunk sizes, with single-byte reads mixed in. */
    static byte[] readInOddChunks(InputStream in, Random random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (in) {
            byte[] buf = new byte[20_000];
            while (true) {
                if (random.nextInt(10) == 0) {
                    int c = in.read();
                    if (c < 0) break;
                    out.write(c);
                    continue;
                }
                int off = random.nextInt(7);
                int n = in.read(buf, off, 1 + random.nextInt(buf.length - off - 1));
                if (n < 0) break;
                assertThat(n).isPositive();
                out.write(buf, off, n);
            }
        }
        return out.toByteArray();
    }
}
