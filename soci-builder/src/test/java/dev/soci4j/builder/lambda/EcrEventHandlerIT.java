package dev.soci4j.builder.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.TestImage;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Lambda handler fed recorded EventBridge JSON, building against the loopback registry (mapped from the ECR host). */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class EcrEventHandlerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ECR_HOST = "123456789012.dkr.ecr.us-west-2.amazonaws.com";

    static JsonNode invoke(EcrEventHandler handler, String repository, String tag, Digest digest) throws Exception {
        String event = new String(Objects.requireNonNull(EcrEventHandlerIT.class.getResourceAsStream("/events/ecr-image-push.json")).readAllBytes(),
                StandardCharsets.UTF_8).replace("REPOSITORY", repository).replace("TAG", tag).replace("DIGEST", digest.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void buildsFilteredPushesFromRecordedEvents(@TempDir Path dir, Random random) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"));
             RegistryClient client = RegistryClient.builder().build()) {
            Digest digest = TestImage.push(client, ImageReference.parse(registry.address() + "/apps/web:v1"), random).digest();
            BuilderConfig config = BuilderConfig.parse("""
                    auth: {secret: unused-by-lambda-handler}
                    filters: {include: ["apps/*:v*"]}
                    build: {minLayerSize: 0}
                    queue: {dir: %s}
                    registries: {"%s": {address: "%s", plainHttp: true}}
                    """.formatted(dir.resolve("data"), ECR_HOST, registry.address()), dir);
            EcrEventHandler handler = new EcrEventHandler(config, CredentialSource.ANONYMOUS);

            JsonNode built = invoke(handler, "apps/web", "v1", digest);
            assertThat(built.get("status").asText()).as(built.toString()).isEqualTo("built");
            assertThat(client.headManifest(ImageReference.parse(registry.address() + "/apps/web:v1-soci"))).isPresent();

            assertThat(invoke(handler, "apps/web", "latest", digest).get("status").asText()).isEqualTo("filtered");
            assertThat(invoke(handler, "apps/web", "v1-soci", digest).get("status").asText()).isEqualTo("filtered");
            Digest converted = client.headManifest(ImageReference.parse(registry.address() + "/apps/web:v1-soci")).orElseThrow().digest();
            // in-place style re-push of the converted image under a matching tag: recognised by content
            client.pushManifest(ImageReference.parse(registry.address() + "/apps/web:v2"),
                    client.pullManifest(ImageReference.parse(registry.address() + "/apps/web@" + converted)));
            JsonNode own = invoke(handler, "apps/web", "v2", converted);
            assertThat(own.get("status").asText()).isEqualTo("skipped");
            assertThat(own.get("detail").asText()).contains("SOCI");
            // an image deleted before the build is a permanent failure: reported, not rethrown for Lambda to retry
            JsonNode gone = invoke(handler, "apps/web", "v9", Digest.of("missing".getBytes(StandardCharsets.UTF_8)));
            assertThat(gone.get("status").asText()).isEqualTo("failed");
            assertThat(gone.get("detail").asText()).contains("ManifestNotFound");
        }
    }

    @Test
    void configFromEnvironmentRejectsBadValuesByVariable() throws Exception {
        BuilderConfig c = EcrEventHandler.configFromEnvironment(Map.of("SOCI_FILTERS", "a/*:v*, b:*", "SOCI_MODE", "v1", "SOCI_MIN_LAYER_SIZE", "1MiB"));
        assertThat(c.filters().include().admits("b", "x")).isTrue();
        assertThat(c.build().mode()).isEqualTo(BuilderConfig.Mode.V1);
        assertThat(c.build().options().minLayerSizeBytes()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> EcrEventHandler.configFromEnvironment(Map.of("SOCI_MODE", "v7"))).hasMessageContaining("build.mode");
    }
}
