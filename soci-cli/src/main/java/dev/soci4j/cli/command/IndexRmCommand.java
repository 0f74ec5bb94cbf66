package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Digest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci index rm DIGEST...}: removes indexes and the zTOCs no other index uses. */
@Command(name = "rm",
        aliases = "remove",
        mixinStandardHelpOptions = true,
        description = {"Remove SOCI indexes from the local store, with those of their zTOCs no other stored index uses.",
                "Every DIGEST is checked first: if one is missing or not an index, nothing is removed."})
public final class IndexRmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "DIGEST", description = "Index digests (sha256:...).")
    List<String> digests;

    @Option(names = "--json", description = "Print what was removed as JSON.")
    boolean json;

    record Removed(String index, List<String> ztocsRemoved) {
    }

    @Override
    public Integer call() throws Exception {
        IndexStore open = store.open();
        Set<Digest> wanted = new LinkedHashSet<>();
        for (String text : digests) wanted.add(store.digest(text, "DIGEST"));
        for (Digest d : wanted) IndexInfoCommand.requireIndex(open, d);
        List<Removed> removed = new ArrayList<>();
        for (Digest d : wanted) {
            IndexStore.Removal r = open.removeIndex(d);
            removed.add(new Removed(r.index().toString(), r.ztocs().stream().map(Digest::toString).toList()));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, removed);
            return 0;
        }
        Table table = new Table("INDEX", "ZTOCS REMOVED>");
        for (Removed r : removed) table.row(r.index(), r.ztocsRemoved().size());
        table.print(out);
        return 0;
    }
}
