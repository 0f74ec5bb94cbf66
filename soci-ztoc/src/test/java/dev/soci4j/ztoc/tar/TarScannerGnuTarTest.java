package dev.soci4j.ztoc.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scanner against GNU tar: the reference's golden layers and zTOCs, and archives GNU tar writes
 * in each of its formats, checked against GNU tar's own listing and extraction.
 */
@ExtendWith(SeededRandom.class)
class TarScannerGnuTarTest {
    /** {@code tar -tv --numeric-owner --full-time --quoting-style=literal}, one entry per line. */
    private static final Pattern LISTING = Pattern.compile(
            "^(.)(.{9}) (\\d+)/(\\d+) +(\\d+|\\d+,\\d+) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) +(.*)$");

    @Test
    void goldenGnuLayerMatchesTheReferenceZtocAndGnuTar(Random random) throws IOException {
        byte[] tar = Golden.bytes("gnu.tar");

        TarScan scan = Feeder.scan(tar, Feeder.random(random));

        GoldenToc reference = GoldenToc.read(Golden.bytes("gnu.tar.span1m.ztoc"));
        assertThat(scan.entries()).containsExactlyElementsOf(reference.entries());
        assertThat(scan.archiveSize()).isEqualTo(reference.uncompressedArchiveSize());
        checkAgainstGnuTar(Golden.file("gnu.tar"), tar, scan);
    }

    @Test
    void goldenPaxLayerMatchesTheReferenceZtocAndGnuTar(Random random, @TempDir Path dir) throws IOException {
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Golden.bytes("pax.tar.gz")))) {
            tar = in.readAllBytes();
        }

        TarScan scan = Feeder.scan(tar, Feeder.random(random));

        GoldenToc reference = GoldenToc.read(Golden.bytes("pax.tar.gz.span1m.ztoc"));
        assertThat(scan.entries()).containsExactlyElementsOf(reference.entries());
        assertThat(scan.archiveSize()).isEqualTo(reference.uncompressedArchiveSize());
        // Its PAX records (the golden layer holds path, linkpath, mtime, atime, ctime) all reach the xattrs.
        assertThat(scan.entries()).flatExtracting(FileMetadata::xattrs).extracting(Xattr::key)
                .contains("path", "linkpath", "mtime", "atime", "ctime");
        Path file = Files.write(dir.resolve("pax.tar"), tar);
        checkAgainstGnuTar(file, tar, scan);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix", "ustar", "v7"})
    void readsWhatGnuTarWrites(String format, @TempDir Path dir) throws IOException {
        Random random = new Random(SeededRandom.seedFor(getClass().getName() + "#readsWhatGnuTarWrites-" + format));
        Path tree = Files.createDirectories(dir.resolve("tree"));
        List<Instant> mtimes = buildTree(tree, format, random);
        Path tarFile = dir.resolve("layer.tar");
        List<String> command = new ArrayList<>(List.of("tar", "--format=" + format, "--sort=name", "-cf",
                tarFile.toString(), "-C", tree.toString()));
        if (format.equals("posix")) command.add("--xattrs");
        command.add(".");
        run(command);
        byte[] tar = Files.readAllBytes(tarFile);

        TarScan scan = Feeder.scan(tar, Feeder.random(random));

        checkAgainstGnuTar(tarFile, tar, scan);
        if (format.equals("posix")) {
            FileMetadata withXattrs = scan.entries().stream().filter(e -> e.name().endsWith("with-xattrs")).findFirst()
                    .orElseThrow();
            assertThat(withXattrs.fileXattrs()).contains(
                    new Xattr("user.binary", new byte[] {0, (byte) 0xFF, '\n', '=', 7}),
                    new Xattr("user.text", "välue"));
            assertThat(withXattrs.modTimeInstant()).contains(mtimes.getFirst());
        }
        if (!format.equals("v7")) {
            assertThat(scan.entries()).extracting(FileMetadata::type)
                    .contains(EntryType.CHAR, EntryType.BLOCK, EntryType.FIFO);
        }
    }

    /**
     * Every entry equals GNU tar's listing line (type, mode, ids, size or device, mtime, name, link);
     * every regular file's bytes at its offset are what {@code tar -xO} extracts; the archive size is
     * just after the two end blocks.
     */
    static void checkAgainstGnuTar(Path tarFile, byte[] tar, TarScan scan) {
        String listing = new String(run(List.of("tar", "-tv", "--numeric-owner", "--full-time",
                "--quoting-style=literal", "-f", tarFile.toString())), StandardCharsets.UTF_8);
        List<String> lines = listing.lines().toList();
        assertThat(scan.entries()).hasSameSizeAs(lines);
        long end = 0;
        for (int i = 0; i < lines.size(); i++) {
            FileMetadata e = scan.entries().get(i);
            Matcher m = LISTING.matcher(lines.get(i));
            assertThat(m.matches()).as("listing line %s", lines.get(i)).isTrue();
            String typeChar = switch (e.type()) {
                case REG -> "-";
                case DIR -> "d";
                case SYMLINK -> "l";
                case HARDLINK -> "h";
                case CHAR -> "c";
                case BLOCK -> "b";
                case FIFO -> "p";
            };
            assertThat(m.group(1)).as("type of %s", e.name()).isEqualTo(typeChar);
            assertThat(e.mode() & 07777).as("mode of %s", e.name()).isEqualTo(mode(m.group(2)));
            assertThat(e.uid()).isEqualTo(Long.parseLong(m.group(3)));
            assertThat(e.gid()).isEqualTo(Long.parseLong(m.group(4)));
            if (e.type() == EntryType.CHAR || e.type() == EntryType.BLOCK)
                assertThat(e.devmajor() + "," + e.devminor()).isEqualTo(m.group(5));
            else assertThat(e.uncompressedSize()).as("size of %s", e.name()).isEqualTo(Long.parseLong(m.group(5)));
            // GNU tar reads PAX "-5.25" as -5 s + 0.25 s; Go (the reference), POSIX and we read -5.25 s.
            boolean negativeFraction = e.modTimeInstant().filter(t -> t.getEpochSecond() < 0 && t.getNano() != 0).isPresent();
            if (!negativeFraction)
                assertThat(e.modTime().replace('T', ' ').replace("Z", "")).isEqualTo(m.group(6));
            String nameAndLink = switch (e.type()) {
                case SYMLINK -> e.name() + " -> " + e.linkname();
                case HARDLINK -> e.name() + " link to " + e.linkname();
                default -> e.name();
            };
            assertThat(m.group(7)).isEqualTo(nameAndLink);
            if (e.type() == EntryType.REG) {
                byte[] extracted = run(List.of("tar", "-xO", "-f", tarFile.toString(), "--", e.name()));
                byte[] atOffset = Arrays.copyOfRange(tar, (int) e.uncompressedOffset(), (int) e.uncompressedEnd());
                assertThat(atOffset).as("data of %s", e.name()).isEqualTo(extracted);
                end = Math.max(end, e.uncompressedEnd());
            } else {
                end = Math.max(end, e.uncompressedOffset());
            }
        }
        long expectedSize = (end + 511) / 512 * 512 + 1024;
        assertThat(scan.archiveSize()).isEqualTo(expectedSize);
        assertThat(Arrays.copyOfRange(tar, (int) expectedSize - 1024, (int) expectedSize)).containsOnly(0);
    }

    /** The permission bits of an {@code ls}-style string such as {@code rwsr-xr-t}. */
    private static long mode(String perms) {
        long mode = 0;
        for (int i = 0; i < 9; i++) {
            char c = perms.charAt(i);
            if (c != '-' && c != 'S' && c != 'T') mode |= 1L << (8 - i);
        }
        if ("sS".indexOf(perms.charAt(2)) >= 0) mode |= 04000;
        if ("sS".indexOf(perms.charAt(5)) >= 0) mode |= 02000;
        if ("tT".indexOf(perms.charAt(8)) >= 0) mode |= 01000;
        return mode;
    }

    /**
     * A tree with what {@code format} can hold: files of edge sizes and a large one, directories,
     * long and unicode names, links, special files, setuid and sticky modes, big ids, nanosecond
     * mtimes, binary xattrs. Returns the mtime set on {@code with-xattrs}.
     */
    private static List<Instant> buildTree(Path tree, String format, Random random) throws IOException {
        boolean v7 = format.equals("v7"), ustar = format.equals("ustar");
        Path dir = Files.createDirectories(tree.resolve("dir/sub"));
        for (int size : new int[] {0, 1, 511, 512, 513, 4096, 100_000}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Files.write(dir.resolve("random-" + size), data);
        }
        Files.writeString(tree.resolve("dir/text.txt"), "the quick brown fox\n".repeat(20_000));
        Path xattrs = Files.write(tree.resolve("with-xattrs"), "x".getBytes(StandardCharsets.UTF_8));
        Instant mtime = Instant.ofEpochSecond(1_600_000_000L, 123_456_700);
        Files.setLastModifiedTime(xattrs, FileTime.from(mtime));
        if (format.equals("posix")) {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(xattrs, UserDefinedFileAttributeView.class);
            assumeTrue(view != null, "user xattrs not supported by the temp file system");
            view.write("binary", ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, '\n', '=', 7}));
            view.write("text", StandardCharsets.UTF_8.encode("välue"));
        }
        Files.writeString(tree.resolve("ünïcødé-日本.txt"), "unicode");
        run(List.of("chmod", "4755", dir.resolve("random-1").toString()));
        Files.createDirectories(tree.resolve("sticky"));
        run(List.of("chmod", "1777", tree.resolve("sticky").toString()));
        Files.createLink(tree.resolve("hardlink"), dir.resolve("random-513"));
        Files.createSymbolicLink(tree.resolve("symlink"), Path.of("dir/sub/random-0"));
        if (!v7) {
            // ustar: a path over 100 bytes that splits into prefix and name
            Path deep = Files.createDirectories(tree.resolve("d".repeat(90) + "/" + "e".repeat(50)));
            Files.writeString(deep.resolve("f".repeat(ustar ? 90 : 99)), "deep");
            run(List.of("mkfifo", tree.resolve("fifo").toString()));
            run(List.of("mknod", tree.resolve("char").toString(), "c", "1", "3"));
            run(List.of("mknod", tree.resolve("block").toString(), "b", "7", "200"));
        }
        if (!v7 && !ustar) {
            Path longDir = Files.createDirectories(tree.resolve("l".repeat(120) + "/" + "m".repeat(150)));
            Path longFile = Files.writeString(longDir.resolve("n".repeat(200)), "long");
            Files.createSymbolicLink(tree.resolve("long-symlink"), tree.relativize(longFile));
            Files.createLink(tree.resolve("long-hardlink"), longFile);
            Path bigIds = Files.writeString(tree.resolve("big-ids"), "ids");
            Files.setAttribute(bigIds, "unix:uid", 3_000_000);
            Files.setAttribute(bigIds, "unix:gid", 2_100_000);
        }
        return List.of(mtime);
    }

    private static byte[] run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
            pb.environment().put("TZ", "UTC");
            pb.environment().put("LC_ALL", "C.UTF-8");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) throw new IllegalStateException("%s exited with %d: %s".formatted(command, rc, err));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
