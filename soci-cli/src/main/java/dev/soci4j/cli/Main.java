package dev.soci4j.cli;

import dev.soci4j.cli.command.BuilderCommand;
import dev.soci4j.cli.command.MountCommand;
import dev.soci4j.cli.command.UmountCommand;
import dev.soci4j.cli.command.ConvertCommand;
import dev.soci4j.cli.command.CreateCommand;
import dev.soci4j.cli.command.DemoCommand;
import dev.soci4j.cli.command.IndexCommand;
import dev.soci4j.cli.command.PushCommand;
import dev.soci4j.cli.command.RebuildDbCommand;
import dev.soci4j.cli.command.StartupTrainingCommand;
import dev.soci4j.cli.command.ZtocCommand;
import dev.soci4j.cli.command.ZtocGetFileCommand;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code soci} command line: entry point, global options and the mapping of failures to exit codes. */
@Command(name = "soci",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Seekable OCI for the JVM: build SOCI indexes and zTOCs, and read container layers lazily.")
public final class Main {
    /**
     * The subcommands, in help order. They are added in code rather than in {@code @Command}: picocli
     * builds a command's whole model (reflection over every option of every subcommand) when it is
     * added, about 0.1 s for all of them, and a run needs one.
     */
    private static final List<Class<?>> COMMANDS = List.of(ConvertCommand.class, CreateCommand.class, PushCommand.class,
            IndexCommand.class, ZtocCommand.class, RebuildDbCommand.class, MountCommand.class, UmountCommand.class,
            DemoCommand.class, BuilderCommand.class, StartupTrainingCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of unexpected errors and debug logs.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs {@code soci args} on the process's stdout and stderr and returns the exit code. */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs {@code soci args} writing to {@code out} and {@code err} (tests call this) and returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        if (Arrays.asList(args).contains("--debug")) System.setProperty(LogSetup.LEVEL_PROPERTY, "DEBUG");
        return commandLine(out, err, args.length == 0 ? null : args[0]).execute(args);
    }

    /**
     * The {@code soci} command line writing text and binary results (extracted files) to {@code out},
     * messages to {@code err}. Text is UTF-8: JSON and file names must not depend on the locale.
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(out, err, null);
    }

    /**
     * The command line with only subcommand {@code first} when that names one (other than {@code help},
     * which needs them all); with every subcommand otherwise. Parsing, help and errors are the same.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, String first) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == ZtocGetFileCommand.class) return cls.cast(new ZtocGetFileCommand(out));
                return defaults.create(cls);
            }
        };
        CommandLine cli = new CommandLine(new Main(), factory);
        boolean one = first != null && !first.equals("help") && COMMANDS.stream().anyMatch(c -> nameOf(c).equals(first));
        for (Class<?> command : COMMANDS) {
            if (!one || nameOf(command).equals(first)) cli.addSubcommand(new CommandLine(command, factory));
        }
        cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        applyCommonHelp(cli);
        Failures failures = new Failures();
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        cli.setExitCodeExceptionMapper(Failures::exitCodeOf);
        return cli;
    }

    /** Every command lists the exit codes and answers {@code --version} with the same text as {@code soci}. */
    private static void applyCommonHelp(CommandLine cli) {
        cli.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodeMap());
        cli.getCommandSpec().versionProvider(new Version());
        for (CommandLine sub : cli.getSubcommands().values()) {
            applyCommonHelp(sub);
        }
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    private static Map<String, String> exitCodeMap() {
        Map<String, String> map = new LinkedHashMap<>();
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
