package dev.soci4j.cli;

import dev.soci4j.cli.command.DemoCommand;
import dev.soci4j.cli.command.ZtocCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code soci} command line: entry point, global options and the mapping of failures to exit codes. */
@Command(name = "soci",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Seekable OCI for the JVM: build SOCI indexes and zTOCs, and read container layers lazily.",
        subcommands = {ZtocCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {})
public final class Main {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of unexpected errors and debug logs.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code soci args} and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        applyExitCodeHelp(cli);
        cli.setExecutionExceptionHandler(new Failures());
        cli.setExitCodeExceptionMapper(Failures::exitCodeOf);
        return cli;
    }

    private static void applyExitCodeHelp(CommandLine cli) {
        cli.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodeMap());
        for (CommandLine sub : cli.getSubcommands().values()) {
            applyExitCodeHelp(sub);
        }
    }

    private static java.util.Map<String, String> exitCodeMap() {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            map.put(String.valueOf(code.code()), code.meaning());
        }
        return map;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"soci4j " + (v == null ? "dev" : v)};
        }
    }
}
