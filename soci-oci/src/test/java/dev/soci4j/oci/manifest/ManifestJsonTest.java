package dev.soci4j.oci.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
    private static final String DIGEST = "sha256:" + "b".repeat(64);

    @Test
    void parsesADockerManifestListKeepingRawBytesForTheDigest() throws Exception {
        // whitespace and unknown fields as a registry might send them: the digest is over these bytes
        String json = """
                {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
                 "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "%s",
                   "size": 7, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8", "os.features": ["x"]}}],
                 "x-unknown": true}
                """.formatted(DIGEST);
        RawManifest raw = new RawManifest(MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
        assertThat(raw.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(raw.digest()).isEqualTo(Digest.of(json.getBytes(StandardCharsets.UTF_8)));
        ImageIndex index = (ImageIndex) raw.parse();
        assertThat(index.forPlatform(Platform.parse("linux/arm64"))).get().extracting(d -> d.digest().toString()).isEqualTo(DIGEST);
        assertThat(index.manifests().getFirst().platform().osFeatures()).containsExactly("x");
    }

    @Test
    void writesArtifactManifestsWithSubjectAndArtifactType() throws Exception {
        var config = dev.soci4j.oci.Descriptor.of(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        ImageManifest m = ImageManifest.of(config, java.util.List.of()).withArtifactType(MediaTypes.SOCI_INDEX_V2)
                .withSubject(new dev.soci4j.oci.Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse(DIGEST), 9));
        RawManifest raw = RawManifest.of(m);
        String text = new String(raw.bytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("\"artifactType\":\"" + MediaTypes.SOCI_INDEX_V2 + "\"").contains("\"subject\":{").doesNotContain("annotations").doesNotContain("null");
        assertThat(raw.parse()).isEqualTo(m);
    }

    @Test
    void rejectsNonManifests() {
        assertThatThrownBy(() -> ManifestJson.parse("[1]".getBytes(StandardCharsets.UTF_8), null)).isInstanceOf(InvalidManifestException.class);
        assertThatThrownBy(() -> ManifestJson.parse("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST))
                .isInstanceOf(InvalidManifestException.class);
    }
}
