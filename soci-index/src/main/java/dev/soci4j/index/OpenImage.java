package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.ImageStore;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.layout.OciLayoutTar;
import dev.soci4j.oci.layout.RegistryImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An {@link ImageLocation} opened as an {@link ImageStore}. An {@code oci-archive:} is extracted into
 * a temp directory; {@link #commit()} writes it back (new tar beside the old, then an atomic rename),
 * and {@link #close()} deletes the temp directory. Not thread-safe; the store is as the underlying one.
 */
public final class OpenImage implements AutoCloseable {
    private final ImageLocation location;
    private final ImageStore store;
    private final Path scratch;

    private OpenImage(ImageLocation location, ImageStore store, Path scratch) {
        this.location = location;
        this.store = store;
        this.scratch = scratch;
    }

    /**
     * Opens a location. A layout or archive that does not exist is created empty when
     * {@code forWriting}, else it is an error.
     */
    public static OpenImage open(ImageLocation location, RegistryClient client, boolean forWriting) throws IOException {
        return switch (location) {
            case ImageLocation.Registry r -> new OpenImage(location, new RegistryImageStore(client, r.reference()), null);
            case ImageLocation.Layout l -> {
                if (!forWriting && !Files.isRegularFile(l.dir().resolve("index.json")))
                    throw new ManifestNotFoundException("open " + location, 0, "no OCI layout (index.json) in " + l.dir());
                yield new OpenImage(location, OciLayoutDirectory.open(l.dir()), null);
            }
            case ImageLocation.Archive a -> {
                if (!forWriting && !Files.isRegularFile(a.file()))
                    throw new ManifestNotFoundException("open " + location, 0, "no such file " + a.file());
                Path scratch = Files.createTempDirectory("soci4j-archive");
                try {
                    Path dir = scratch.resolve("layout");
                    ImageStore store = Files.isRegularFile(a.file()) ? OciLayoutTar.extract(a.file(), dir) : OciLayoutDirectory.open(dir);
                    yield new OpenImage(location, store, scratch);
                } catch (IOException | RuntimeException e) {
                    deleteTree(scratch);
                    throw e;
                }
            }
        };
    }

    public ImageLocation location() {
        return location;
    }

    public ImageStore store() {
        return store;
    }

    /**
     * The reference to read the image by: the registry reference's digest or tag; a layout's tag, or
     * its only image when no tag was given.
     */
    public String sourceReference() throws IOException {
        return switch (location) {
            case ImageLocation.Registry r -> r.reference().manifestReference();
            case ImageLocation.Layout l -> l.tag() != null ? l.tag() : onlyImage();
            case ImageLocation.Archive a -> a.tag() != null ? a.tag() : onlyImage();
        };
    }

    private String onlyImage() throws IOException {
        List<Descriptor> entries = ((OciLayoutDirectory) store).index().manifests();
        if (entries.size() == 1) return entries.getFirst().digest().toString();
        throw new ManifestNotFoundException("open " + location, 0, "the layout holds %d images; name one with :TAG (tags: %s)".formatted(entries.size(),
                entries.stream().map(d -> d.annotations().getOrDefault(Descriptor.REF_NAME, d.digest().toString())).toList()));
    }

    /** Whether both name the same repository or layout (then blobs need no copying). */
    public boolean sameStoreAs(OpenImage other) {
        return switch (location) {
            case ImageLocation.Registry r -> other.location instanceof ImageLocation.Registry o
                    && r.reference().repositoryPath().equals(o.reference().repositoryPath());
            case ImageLocation.Layout l -> other.location instanceof ImageLocation.Layout o
                    && l.dir().toAbsolutePath().normalize().equals(o.dir().toAbsolutePath().normalize());
            case ImageLocation.Archive a -> false; // separate extractions
        };
    }

    /** Makes the writes visible: for an archive, writes the tar; for the others, nothing to do. */
    public void commit() throws IOException {
        if (location instanceof ImageLocation.Archive a) {
            Path target = a.file().toAbsolutePath();
            Path parent = target.getParent();
            if (parent != null) Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            try {
                OciLayoutTar.write((OciLayoutDirectory) store, temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (scratch != null) deleteTree(scratch);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Override
    public String toString() {
        return location.toString();
    }
}
