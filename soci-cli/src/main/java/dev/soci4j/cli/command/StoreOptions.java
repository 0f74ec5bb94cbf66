package dev.soci4j.cli.command;

import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --root}: the local store of SOCI indexes and zTOCs. */
public final class StoreOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR",
            description = "The local store of indexes and zTOCs (default: /var/lib/soci4j for root, else $XDG_DATA_HOME/soci4j or ~/.local/share/soci4j).")
    Path root;

    Path root() {
        return root != null ? root : IndexStore.defaultRoot();
    }

    IndexStore open() throws IOException {
        return IndexStore.open(root());
    }

    /** A digest argument ({@code sha256:<64 hex>}); a bad one is a usage error. */
    Digest digest(String text, String label) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "bad %s '%s': %s".formatted(label, text, e.getMessage()));
        }
    }
}
