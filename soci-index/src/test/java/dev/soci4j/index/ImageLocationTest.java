package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.ImageReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageLocationTest {
    @Test
    void parsesTheThreeTransports() {
        assertThat(ImageLocation.parse("localhost:5000/app:v1")).isEqualTo(new ImageLocation.Registry(ImageReference.parse("localhost:5000/app:v1")));
        assertThat(ImageLocation.parse("docker://nginx")).isEqualTo(new ImageLocation.Registry(ImageReference.parse("docker.io/library/nginx:latest")));
        assertThat(ImageLocation.parse("oci:/tmp/lay:v2")).isEqualTo(new ImageLocation.Layout(Path.of("/tmp/lay"), "v2"));
        assertThat(ImageLocation.parse("oci:/tmp/lay")).isEqualTo(new ImageLocation.Layout(Path.of("/tmp/lay"), null));
        assertThat(ImageLocation.parse("oci-archive:/tmp/a.tar:latest")).isEqualTo(new ImageLocation.Archive(Path.of("/tmp/a.tar"), "latest"));
        assertThat(ImageLocation.parse("oci-archive:rel/a.tar")).isEqualTo(new ImageLocation.Archive(Path.of("rel/a.tar"), null));
    }

    @Test
    void destinationNeedsATag() {
        assertThat(ImageLocation.parse("oci:/x").destinationTag()).isEqualTo("latest");
        assertThatThrownBy(() -> ImageLocation.parse("localhost:5000/app@sha256:" + "a".repeat(64)).destinationTag())
                .hasMessageContaining("needs a tag");
        assertThatThrownBy(() -> ImageLocation.parse("oci:")).hasMessageContaining("missing path");
    }
}
