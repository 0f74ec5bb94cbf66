package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.store.IndexStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code soci rebuild-db}: resync the local store's records with its blobs. */
@Command(name = "rebuild-db",
        mixinStandardHelpOptions = true,
        description = {"Resync the local store's artifact records with its blobs (after a crash or a manual change).",
                "Removes temp files and blobs that fail their digest, adds records for the indexes and zTOCs "
                        + "found among the blobs, drops records whose blob is gone. Do not run it during a build."})
public final class RebuildDbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print what was done as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        IndexStore.Rebuild r = store.open().rebuildDb();
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, r);
            return 0;
        }
        new Table("FIELD", "VALUE>")
                .row("indexes", r.indexes())
                .row("ztocs", r.ztocs())
                .row("records written", r.recordsAdded())
                .row("records removed", r.recordsRemoved())
                .row("corrupt blobs removed", r.corruptBlobsRemoved())
                .row("temp files removed", r.tempFilesRemoved())
                .print(out);
        return 0;
    }
}
