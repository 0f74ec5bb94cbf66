package dev.soci4j.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code soci index}: the SOCI indexes of the local store. */
@Command(name = "index",
        mixinStandardHelpOptions = true,
        description = "List, show and remove the SOCI indexes of the local store.",
        subcommands = {IndexListCommand.class, IndexInfoCommand.class, IndexRmCommand.class})
public final class IndexCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
