package dev.soci4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.index.IndexNotFoundException;
import dev.soci4j.index.LayerIndexException;
import dev.soci4j.index.NoIndexableLayerException;
import dev.soci4j.index.UnsupportedImageException;
import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.RegistryUnauthorizedException;
import dev.soci4j.oci.manifest.InvalidManifestException;
import dev.soci4j.ztoc.DigestMismatchException;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class FailuresTest {

    /** A real command failing the way a bug does; added to the real command line for these tests only. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        private final Exception failure;

        Boom(Exception failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            failure.setStackTrace(new Throwable().getStackTrace()); // as if thrown here
            throw failure;
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new UserError(ExitCode.NOT_FOUND, "x"), ExitCode.NOT_FOUND),
                Arguments.of(new NoSuchFileException("/x"), ExitCode.NOT_FOUND),
                Arguments.of(new FileNotFoundException("/x"), ExitCode.NOT_FOUND),
                Arguments.of(new AccessDeniedException("/x"), ExitCode.PERMISSION),
                Arguments.of(new InvalidZtocException("bad"), ExitCode.INVALID_INPUT),
                Arguments.of(new InvalidLayerException("bad"), ExitCode.INVALID_INPUT),
                Arguments.of(new UnsupportedLayerException("zstd"), ExitCode.INVALID_INPUT),
                Arguments.of(new DigestMismatchException("span 0"), ExitCode.INVALID_INPUT),
                Arguments.of(new EOFException("short"), ExitCode.IO),
                Arguments.of(new ManifestNotFoundException("pull manifest v1 from r/app", 404, "MANIFEST_UNKNOWN"), ExitCode.NOT_FOUND),
                Arguments.of(new BlobNotFoundException("pull blob", 404, "BLOB_UNKNOWN"), ExitCode.NOT_FOUND),
                Arguments.of(new IndexNotFoundException("no index"), ExitCode.NOT_FOUND),
                Arguments.of(new RegistryUnauthorizedException("pull manifest", 401, "UNAUTHORIZED"), ExitCode.PERMISSION),
                Arguments.of(new RegistryException("push blob", 503, "still failing after 5 attempts"), ExitCode.IO),
                Arguments.of(new dev.soci4j.oci.DigestMismatchException("blob", Digest.of(new byte[1]), Digest.of(new byte[2]), 1), ExitCode.INVALID_INPUT),
                Arguments.of(new InvalidManifestException("not JSON"), ExitCode.INVALID_INPUT),
                Arguments.of(new UnsupportedImageException("an artifact"), ExitCode.INVALID_INPUT),
                Arguments.of(new NoIndexableLayerException("no layer to index"), ExitCode.INVALID_INPUT),
                Arguments.of(new LayerIndexException("img", Digest.of(new byte[1]), new InvalidLayerException("bad tar")), ExitCode.INVALID_INPUT),
                Arguments.of(new LayerIndexException("img", Digest.of(new byte[1]), new RegistryException("pull blob", 502, null)), ExitCode.IO),
                Arguments.of(new LayerIndexException("img", Digest.of(new byte[1]), new BlobNotFoundException("pull blob", 404, null)), ExitCode.NOT_FOUND),
                Arguments.of(new IOException("reset"), ExitCode.IO),
                Arguments.of(new UncheckedIOException(new NoSuchFileException("/x")), ExitCode.NOT_FOUND),
                Arguments.of(new IllegalStateException("bug"), ExitCode.UNEXPECTED),
                Arguments.of(new NullPointerException(), ExitCode.UNEXPECTED));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void mapsEachFailureKindToItsExitCode(Exception failure, ExitCode expected) {
        assertThat(Failures.classify(unwrapForClassify(failure))).isEqualTo(expected);
        assertThat(Failures.exitCodeOf(failure)).isEqualTo(expected.code());

        Soci.Run run = Soci.run(new Boom(failure), "boom");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(expected.code());
        assertThat(run.stderrLines()).as(run.toString()).hasSize(1);
        assertThat(run.stderr()).startsWith("soci: ").doesNotContain("\tat ");
    }

    private static Throwable unwrapForClassify(Exception e) {
        return e instanceof UncheckedIOException u ? u.getCause() : e;
    }

    @Test
    void parameterExceptionIsUsage() {
        CommandLine cli = Main.commandLine(System.out, System.err);
        assertThat(Failures.exitCodeOf(new CommandLine.ParameterException(cli, "bad"))).isEqualTo(2);
    }

    @Test
    void unexpectedErrorPrintsAStackTraceOnlyWithDebug() {
        Soci.Run quiet = Soci.run(new Boom(new IllegalStateException("bug in here")), "boom");
        assertThat(quiet.exitCode()).isEqualTo(ExitCode.UNEXPECTED.code());
        assertThat(quiet.stderrLines()).containsExactly(
                "soci: unexpected error: java.lang.IllegalStateException: bug in here (rerun with --debug for the stack trace)");

        for (String[] args : new String[][] {{"--debug", "boom"}, {"boom", "--debug"}}) {
            Soci.Run debug = Soci.run(new Boom(new IllegalStateException("bug in here")), args);
            assertThat(debug.exitCode()).isEqualTo(ExitCode.UNEXPECTED.code());
            assertThat(debug.stderrLines().getFirst()).isEqualTo("soci: unexpected error: java.lang.IllegalStateException: bug in here");
            assertThat(debug.stderr()).contains("\tat dev.soci4j.cli.FailuresTest$Boom.call(");
        }
    }

    @Test
    void debugDoesNotAddStackTracesToExpectedFailures() {
        Soci.Run run = Soci.run("--debug", "ztoc", "info", "/nonexistent/soci4j-test.ztoc");
        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(run.stderrLines()).containsExactly("soci: no such file: /nonexistent/soci4j-test.ztoc");
    }

    @Test
    void controlCharactersInMessagesStayOnOneLine() {
        Soci.Run run = Soci.run(new Boom(new UserError(ExitCode.NOT_FOUND, "no file a\nb\u001b[2J in z")), "boom");
        assertThat(run.stderrLines()).containsExactly("soci: no file a\\nb\\x1b[2J in z");
    }
}
