package dev.soci4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.ztoc.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as users run it (what {@code bin/soci} execs): real process, real stdout bytes, real
 * exit status. Runs after {@code package}; skipped with a reason when the jar is missing.
 */
class SociJarIT {
    @TempDir
    Path tmp;

    record Result(int exitCode, byte[] stdout, String stderr) {
    }

    private static Result soci(String... args) throws Exception {
        return java(List.of(), args);
    }

    private static Result java(List<String> jvmOptions, String... args) throws Exception {
        Path jar = Soci.jar();
        assumeTrue(jar != null, "soci-cli/target/soci.jar not built (run ./mvnw -pl soci-cli package)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        return new Result(code, out, new String(err.get(), StandardCharsets.UTF_8));
    }

    @Test
    void buildsTheGoldenZtocAndExtractsAFileToStdout() throws Exception {
        Path out = tmp.resolve("gnu.ztoc");
        Result build = soci("ztoc", "build", Golden.file("gnu.tar.gz").toString(), "--span-size", "1048576", "-o", out.toString());
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Golden.bytes("gnu.tar.gz.span1m.ztoc"));

        Result viaStdout = soci("ztoc", "get-file", "--layer", Golden.file("gnu.tar.gz").toString(), out.toString(), "./etc/conf");
        Path conf = tmp.resolve("conf");
        Result viaFile = soci("ztoc", "get-file", "--layer", Golden.file("gnu.tar").toString(),
                Golden.file("gnu.tar.span1m.ztoc").toString(), "etc/conf", "-o", conf.toString());
        assertThat(viaStdout.exitCode()).as(viaStdout.stderr()).isZero();
        assertThat(viaFile.exitCode()).as(viaFile.stderr()).isZero();
        assertThat(viaStdout.stdout()).hasSize(1_800_000).isEqualTo(Files.readAllBytes(conf));
    }

    @Test
    void exitCodesReachTheShell() throws Exception {
        Result missing = soci("ztoc", "info", tmp.resolve("missing.ztoc").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.stderr().lines().toList()).containsExactly("soci: no such file: " + tmp.resolve("missing.ztoc"));

        Result usage = soci("frobnicate");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr().lines().toList()).singleElement().asString().startsWith("soci: ");

        Result help = soci("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(new String(help.stdout(), StandardCharsets.UTF_8)).contains("Exit codes:");
        assertThat(help.stderr()).isEmpty();
    }

    /**
     * What bin/soci does once per build: record the JVM's AOT cache from {@code startup-training}. The
     * cache must then be usable ({@code -XX:AOTMode=on} refuses to start otherwise); as root with
     * /dev/fuse the training includes a real mount.
     */
    @Test
    void startupTrainingRecordsAUsableAotCache() throws Exception {
        Path aot = tmp.resolve("soci.aot");
        Result train = java(List.of("-XX:AOTCacheOutput=" + aot), "startup-training");
        assertThat(train.exitCode()).as(train.stderr()).isZero();
        String said = new String(train.stdout(), StandardCharsets.UTF_8);
        assertThat(said).startsWith("trained: help, demo");
        boolean canMount = "root".equals(System.getProperty("user.name")) && Files.isWritable(Path.of("/dev/fuse"));
        assertThat(said).contains(canMount ? ", mount" : "mount skipped");
        assertThat(aot).isRegularFile();
        assertThat(Files.size(aot)).isGreaterThan(1 << 20);
        Result run = java(List.of("-XX:AOTCache=" + aot, "-XX:AOTMode=on"), "--version");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(new String(run.stdout(), StandardCharsets.UTF_8)).startsWith("soci4j ");
    }
}
