package dev.soci4j.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.index.IndexNotFoundException;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.ArtifactType;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci index info DIGEST}: the index manifest, as JSON. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = {"Print a SOCI index manifest of the local store (JSON, indented; the stored bytes are what was pushed).",
                "Its layers are the zTOCs; `soci ztoc info DIGEST` shows one."})
public final class IndexInfoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "DIGEST", description = "The index digest (sha256:...), as `soci index list` shows it.")
    String digest;

    @Override
    public Integer call() throws Exception {
        IndexStore open = store.open();
        Digest d = store.digest(digest, "DIGEST");
        ArtifactRecord record = requireIndex(open, d);
        byte[] bytes = open.readIndex(record.digest()).bytes();
        var out = spec.commandLine().getOut();
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(bytes)));
        out.flush();
        return 0;
    }

    /** The index record of {@code digest}: missing is "not found" (3), a zTOC's digest is the wrong kind (6). */
    static ArtifactRecord requireIndex(IndexStore store, Digest digest) throws IndexNotFoundException {
        ArtifactRecord record = store.get(digest)
                .orElseThrow(() -> new IndexNotFoundException("no index %s in the local store %s".formatted(digest, store.root())));
        if (record.type() != ArtifactType.INDEX)
            throw new UserError(ExitCode.INVALID_INPUT, "%s is a zTOC, not an index (see soci ztoc info)".formatted(digest));
        return record;
    }
}
