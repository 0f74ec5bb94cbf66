package dev.soci4j.ztoc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference-written golden layers and zTOCs, copied into the repository at
 * {@code testdata/ztoc-golden} from {@code ../shared/testdata} (see its README).
 */
public final class Golden {
    private Golden() {
    }

    /** The golden data folder, found upward from the working directory (a module or the root). */
    public static Path dir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("testdata/ztoc-golden");
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("golden data not found: testdata/ztoc-golden above " + Path.of("").toAbsolutePath());
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
