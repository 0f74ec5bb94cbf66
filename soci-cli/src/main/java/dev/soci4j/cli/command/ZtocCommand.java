package dev.soci4j.cli.command;

import picocli.CommandLine.Command;

/** {@code soci ztoc}: build, inspect and read through zTOCs of single layers. */
@Command(name = "ztoc",
        mixinStandardHelpOptions = true,
        description = "Build, list, inspect and read through zTOCs (one layer's table of contents and checkpoints).",
        subcommands = {ZtocBuildCommand.class, ZtocListCommand.class, ZtocInfoCommand.class, ZtocGetFileCommand.class})
public final class ZtocCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
