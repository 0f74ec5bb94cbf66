package dev.soci4j.cli.command;

import dev.soci4j.cli.output.ProgressBars;
import dev.soci4j.index.BuildProgress;
import java.io.Console;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code -q/--quiet}; progress bars go to stderr only when it is a terminal and not quiet. */
public final class ProgressOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars (they are shown only on a terminal anyway).")
    boolean quiet;

    /** Bars on stderr, or null when there is no terminal or the user asked for quiet. */
    ProgressBars bars() {
        Console console = System.console();
        if (quiet || console == null || !console.isTerminal()) return null;
        return new ProgressBars(spec.commandLine().getErr(), ProgressBars.terminalColumns());
    }

    static BuildProgress orNone(ProgressBars bars) {
        return bars == null ? BuildProgress.NONE : bars;
    }
}
