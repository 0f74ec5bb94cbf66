package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SociIndexTest {
    private static final Digest Z1 = Digest.of("z1".getBytes(StandardCharsets.UTF_8));
    private static final Digest L1 = Digest.of("l1".getBytes(StandardCharsets.UTF_8));

    @Test
    void emptyConfigDigestIsTheSha256OfTheEmptyObject() {
        assertThat(Digest.of(SociIndex.EMPTY_CONFIG)).isEqualTo(SociIndex.EMPTY_CONFIG_DIGEST);
    }

    @Test
    void v2ManifestIsExactlyTheReferenceShape() {
        SociIndex index = new SociIndex(SociVersion.V2, List.of(new IndexedLayer(Z1, 123, L1, MediaTypes.OCI_LAYER_GZIP, 4 << 20, true)), null);
        String json = new String(index.toRawManifest().bytes(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.amazon.soci.index.v2+json\","
                + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\"" + Z1 + "\",\"size\":123,\"annotations\":{"
                + "\"com.amazon.soci.disable-xattrs\":\"true\","
                + "\"com.amazon.soci.image-layer-digest\":\"" + L1 + "\","
                + "\"com.amazon.soci.image-layer-mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"com.amazon.soci.span-size\":\"4194304\"}}],"
                + "\"annotations\":{\"com.amazon.soci.build-tool-identifier\":\"AWS SOCI CLI v0.2\"}}");
        assertThat(json).doesNotContain("artifactType");
    }

    @Test
    void sameIndexSameBytesAndParsesBack() throws Exception {
        Descriptor subject = new Descriptor(MediaTypes.OCI_MANIFEST, L1, 99).withAnnotation("ignored", "x");
        SociIndex a = new SociIndex(SociVersion.V1, List.of(new IndexedLayer(Z1, 7, L1, MediaTypes.DOCKER_LAYER_GZIP, 1024, false)), subject);
        SociIndex b = new SociIndex(SociVersion.V1, List.of(new IndexedLayer(Z1, 7, L1, MediaTypes.DOCKER_LAYER_GZIP, 1024, false)), subject);
        assertThat(a.toRawManifest().bytes()).isEqualTo(b.toRawManifest().bytes());
        SociIndex parsed = SociIndex.parse(a.toRawManifest());
        assertThat(parsed.version()).isEqualTo(SociVersion.V1);
        assertThat(parsed.layers()).isEqualTo(a.layers());
        assertThat(parsed.subject()).isEqualTo(new Descriptor(MediaTypes.OCI_MANIFEST, L1, 99)); // subject is written without annotations
        assertThat(new String(a.toRawManifest().bytes(), StandardCharsets.UTF_8))
                .contains("\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + L1 + "\",\"size\":99}")
                .doesNotContain("disable-xattrs");
    }

    @Test
    void anIndexWithoutZtocsIsRefused() {
        assertThatThrownBy(() -> new SociIndex(SociVersion.V2, List.of(), null)).hasMessageContaining("at least one zTOC");
    }
}
