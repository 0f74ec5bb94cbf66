package dev.soci4j.bench;

import dev.soci4j.cli.demo.SampleImage;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import java.nio.file.Path;

/**
 * Writes the benchmark's image into an OCI layout: the demo's three-layer sample (a base of small files,
 * an application layer, and a data layer with one large random file), the generated equivalent of the
 * lab's nginx + 1 GiB image. Usage: {@code SampleImageMain DIR TAG LARGE_FILE_MIB}.
 */
public final class SampleImageMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String tag = args[1];
        long mib = Long.parseLong(args[2]);
        SampleImage.Written image = new SampleImage(mib << 20, 42).write(OciLayoutDirectory.open(dir), tag);
        System.out.printf("image_bytes=%d%nlayers=%d%nmanifest=%s%n", image.compressedSize(), image.layers().size(),
                image.manifest().digest());
    }
}
