package dev.soci4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class HelpAndUsageTest {

    /** Every command as the words that call it: [], [ztoc], [ztoc, build], ..., [help]. */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(Main.commandLine(System.out, System.err), new ArrayList<>(), all);
        return all.stream();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, into);
        });
    }

    @Test
    void everyCommandIsCovered() {
        assertThat(commands()).contains(List.of(), List.of("ztoc"), List.of("ztoc", "build"), List.of("ztoc", "info"),
                List.of("ztoc", "get-file"), List.of("ztoc", "list"), List.of("convert"), List.of("create"), List.of("push"),
                List.of("index"), List.of("index", "list"), List.of("index", "info"), List.of("index", "rm"),
                List.of("rebuild-db"), List.of("demo"), List.of("help"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpListsEveryExitCode(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        Soci.Run run = Soci.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).contains("Usage: soci", "Exit codes:");
        for (ExitCode code : ExitCode.values()) {
            assertThat(run.stdout()).containsPattern("(?m)^  %d +%s".formatted(code.code(),
                    java.util.regex.Pattern.quote(code.meaning().substring(0, Math.min(20, code.meaning().length())))));
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void versionIsTheSameEverywhere(List<String> command) {
        if (command.equals(List.of("help"))) return; // picocli's help command has no --version
        List<String> args = new ArrayList<>(command);
        args.add("--version");
        Soci.Run run = Soci.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout().strip()).matches("soci4j \\S+");
    }

    @Test
    void helpCommandShowsASubcommandsHelp() {
        Soci.Run run = Soci.run("help", "ztoc");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("Usage: soci ztoc", "get-file", "Exit codes:");
    }

    @Test
    void summariesInCommandListsAreWholeSentences() {
        for (String[] args : new String[][] {{"--help"}, {"ztoc", "--help"}, {"index", "--help"}}) {
            String help = Soci.run(args).stdout();
            String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:"));
            // each summary (joined across wrapped lines) ends a sentence
            for (String summary : commands.split("\\n  (?=\\S)")) {
                if (summary.startsWith("Commands:")) continue;
                assertThat(summary.strip()).as(summary).endsWith(".");
            }
        }
    }

    static Stream<List<String>> badCommandLines() {
        return Stream.of(
                List.of("frobnicate"),
                List.of("ztoc", "frobnicate"),
                List.of("--no-such-option"),
                List.of("ztoc", "info"),
                List.of("ztoc", "info", "a", "b"),
                List.of("ztoc", "build", "x.tar.gz", "--span-size", "abc"),
                List.of("ztoc", "get-file", "z.ztoc", "path"),
                List.of("demo", "--large-file-mib", "nope"),
                List.of("convert", "only-source:v1"),
                List.of("convert", "a:v1", "b:v1", "--span-size", "lots"),
                List.of("convert", "a:v1", "b:v1", "--platform", "linux"),
                List.of("convert", "a:v1", "b:v1", "--plain-http", "--insecure"),
                List.of("convert", "oci:", "b:v1"),
                List.of("create"),
                List.of("push", "a:v1", "--existing-index", "sometimes"),
                List.of("push", "oci:/tmp/layout"),
                List.of("index", "info"),
                List.of("index", "rm"),
                List.of("index", "list", "--platform", "x"),
                List.of("ztoc", "list", "--layer-digest", "sha256:short"),
                List.of("rebuild-db", "extra"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badCommandLineIsExit2WithOneLine(List<String> args) {
        Soci.Run run = Soci.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderrLines()).as(run.toString()).hasSize(1);
        assertThat(run.stderr()).startsWith("soci: ").contains("--help')");
    }

    @Test
    void unknownCommandSuggestsTheNearestOne() {
        Soci.Run run = Soci.run("ztoc", "bulid");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("soci: Unmatched argument at index 1: 'bulid'")
                .containsPattern("did you mean (\\w+ or )?build") // picocli may also offer `list`
                .contains("(see 'soci ztoc --help')");
    }

    /** A run builds only the subcommand it names: its help, and what it parses, must be the same as with all of them. */
    @ParameterizedTest
    @MethodSource("commands")
    void oneSubcommandLineHelpsAndParsesLikeTheFullOne(List<String> command) {
        if (command.isEmpty()) return;
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        var fullOut = new java.io.ByteArrayOutputStream();
        var oneOut = new java.io.ByteArrayOutputStream();
        var sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        int full = Main.commandLine(new java.io.PrintStream(fullOut), sink).execute(args.toArray(String[]::new));
        CommandLine one = Main.commandLine(new java.io.PrintStream(oneOut), sink, command.getFirst());
        int oneCode = one.execute(args.toArray(String[]::new));
        assertThat(oneCode).isEqualTo(full).isZero();
        assertThat(oneOut.toString()).isEqualTo(fullOut.toString()).contains("Usage: soci " + command.getFirst());
        if (!command.getFirst().equals("help")) assertThat(one.getSubcommands()).containsOnlyKeys(command.getFirst());
        // the inherited --debug option reaches the subcommand as it does in the full tree
        List<String> debug = new ArrayList<>(command);
        debug.add("--debug");
        debug.add("--help");
        assertThat(Main.commandLine(sink, sink, command.getFirst()).execute(debug.toArray(String[]::new))).isZero();
    }
}
