package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.cli.Soci;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code soci ztoc build} refuses what is not a gzip or tar layer: exit 6, one line, no zTOC written. */
@ExtendWith(SeededRandom.class)
class LayerRefusalTest {
    @TempDir
    Path tmp;

    private Soci.Run refused(Path layer) throws Exception {
        Soci.Run run = Soci.run("ztoc", "build", layer.toString());
        assertThat(run.stderrLines()).as(run.toString()).hasSize(1);
        assertThat(run.stderr()).startsWith("soci: ").doesNotContain("\tat ");
        assertThat(run.stdout()).isEmpty();
        try (var files = Files.list(layer.toAbsolutePath().getParent())) {
            assertThat(files.filter(p -> p.getFileName().toString().contains("ztoc"))).isEmpty();
        }
        return run;
    }

    @Test
    void zstdLayer(Random random) throws Exception {
        byte[] b = new byte[4096];
        random.nextBytes(b);
        b[0] = 0x28;
        b[1] = (byte) 0xb5;
        b[2] = 0x2f;
        b[3] = (byte) 0xfd;
        Soci.Run run = refused(Files.write(tmp.resolve("layer.tar.zst"), b));
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderr()).contains("zstd");
    }

    @Test
    void randomGarbage(Random random) throws Exception {
        byte[] b = new byte[64 << 10];
        random.nextBytes(b);
        b[0] = 0x42; // not gzip's 1f 8b (the rest is random)
        Soci.Run run = refused(Files.write(tmp.resolve("garbage"), b));
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderr()).contains("neither gzip nor tar");
    }

    @Test
    void gzipMagicThenGarbage(Random random) throws Exception {
        byte[] b = new byte[64 << 10];
        random.nextBytes(b);
        b[0] = 0x1f;
        b[1] = (byte) 0x8b;
        Soci.Run run = refused(Files.write(tmp.resolve("bad.tar.gz"), b));
        assertThat(run.exitCode()).isEqualTo(6);
    }

    @Test
    void emptyFile() throws Exception {
        Soci.Run run = refused(Files.write(tmp.resolve("empty"), new byte[0]));
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderrLines()).containsExactly("soci: " + tmp.resolve("empty") + ": layer is empty");
    }

    @Test
    void directory() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("a-dir"));
        Soci.Run run = refused(dir);
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderrLines()).containsExactly("soci: " + dir + " is a directory, not a layer blob");
    }

    @Test
    void missingLayer() throws Exception {
        Soci.Run run = refused(tmp.resolve("missing.tar.gz"));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderrLines()).containsExactly("soci: no such file: " + tmp.resolve("missing.tar.gz"));
    }
}
