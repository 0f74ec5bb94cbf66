package dev.soci4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code soci} in-process, as {@link Main#main} would, with stdout and stderr captured. */
public final class Soci {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Soci() {
    }

    /** What one run left behind. */
    public record Run(int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        public JsonNode json() {
            try {
                return JSON.readTree(stdoutBytes);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + stdout(), e);
            }
        }

        @Override
        public String toString() {
            return "exit %d, stderr:%n%s".formatted(exitCode, stderr);
        }
    }

    /** The shaded jar as users run it (what {@code bin/soci} execs), or null when it is not built. */
    public static java.nio.file.Path jar() {
        for (String p : new String[] {"target/soci.jar", "soci-cli/target/soci.jar"}) {
            java.nio.file.Path path = java.nio.file.Path.of(p);
            if (java.nio.file.Files.isRegularFile(path)) return path.toAbsolutePath();
        }
        return null;
    }

    public static Run run(String... args) {
        return run(null, args);
    }

    /** Runs with {@code extra} (if not null) added as a top-level subcommand first. */
    public static Run run(Object extra, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            CommandLine cli = Main.commandLine(o, e);
            if (extra != null) {
                cli.addSubcommand(extra);
                cli.setOut(cli.getOut()); // picocli hands writers only to the subcommands it has when set
                cli.setErr(cli.getErr());
            }
            int code = cli.execute(args);
            o.flush();
            e.flush();
            return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }
}
