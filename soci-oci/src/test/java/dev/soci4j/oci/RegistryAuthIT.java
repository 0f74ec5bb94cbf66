package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.auth.DockerConfig;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.oci.testing.MutableClock;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import dev.soci4j.oci.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Basic (htpasswd) and Bearer (token server) authentication against the real registry. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class RegistryAuthIT {
    private static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

    private static Path htpasswd(Path dir, String user, String password) throws Exception {
        assumeTrue(Files.isExecutable(HTPASSWD), "needs htpasswd (Debian package apache2-utils)");
        Process p = new ProcessBuilder(HTPASSWD.toString(), "-Bbn", user, password).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Path file = dir.resolve("htpasswd");
        Files.write(file, out);
        return file;
    }

    @Test
    void basicAuthWithUserAndFromDockerConfig(Random random, @TempDir Path dir) throws Exception {
        Path file = htpasswd(dir, "alice", "s3cret");
        String auth = """
                auth:
                  htpasswd:
                    realm: soci4j-test
                    path: %s
                """.formatted(file);
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg"), new LocalRegistry.Options(auth, null))) {
            ImageReference ref = ImageReference.parse(registry.address() + "/basic/app:v1");
            try (RegistryClient client = RegistryClient.builder()
                    .credentials(CredentialSource.of(new Credential.UsernamePassword("alice", "s3cret"))).build()) {
                client.checkApi(registry.address());
                TestImages.Pushed pushed = TestImages.pushMultiPlatform(client, ref, random);
                assertThat(client.pullManifest(ref).bytes()).isEqualTo(pushed.index().bytes());
            }

            Path config = dir.resolve("docker/config.json");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}".formatted(registry.address(),
                    Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8))));
            try (RegistryClient client = RegistryClient.builder().credentials(DockerConfig.load(config, null)).build()) {
                assertThat(client.listTags(ref)).contains("v1");
            }

            try (RegistryClient anonymous = RegistryClient.builder().build()) {
                assertThatThrownBy(() -> anonymous.pullManifest(ref))
                        .isInstanceOf(RegistryUnauthorizedException.class)
                        .hasMessageContaining("pull manifest v1 from " + registry.address() + "/basic/app")
                        .hasMessageContaining("401");
            }
            try (RegistryClient wrong = RegistryClient.builder()
                    .credentials(CredentialSource.of(new Credential.UsernamePassword("alice", "wrong"))).build()) {
                assertThatThrownBy(() -> wrong.pullManifest(ref))
                        .isInstanceOf(RegistryUnauthorizedException.class)
                        .hasMessageNotContaining("wrong");
            }
        }
    }

    @Test
    void bearerTokensPerScopeRenewedOnExpiry(Random random, @TempDir Path dir) throws Exception {
        try (TokenServer tokens = new TokenServer(dir, "bob", "hunter2", 300);
             LocalRegistry registry = LocalRegistry.start(dir.resolve("reg"), new LocalRegistry.Options(tokens.registryAuthConfig(), null))) {
            ImageReference ref = ImageReference.parse(registry.address() + "/token/app:v1");
            MutableClock clock = new MutableClock();
            try (RegistryClient client = RegistryClient.builder().clock(clock)
                    .credentials(CredentialSource.of(new Credential.UsernamePassword("bob", "hunter2"))).build()) {
                TestImages.Pushed pushed = TestImages.pushMultiPlatform(client, ref, random);
                RawManifest pulled = client.pullManifest(ref);
                assertThat(pulled.bytes()).isEqualTo(pushed.index().bytes());
                assertThat(tokens.scopesSeen()).contains("repository:token/app:pull", "repository:token/app:pull,push");
                int before = tokens.tokensIssued();
                client.pullManifest(ref);
                assertThat(tokens.tokensIssued()).as("cached token reused").isEqualTo(before);

                clock.advance(Duration.ofSeconds(300));
                client.pullManifest(ref);
                assertThat(tokens.tokensIssued()).as("expired token renewed").isEqualTo(before + 1);

                ImageReference other = ImageReference.parse(registry.address() + "/token/other");
                assertThat(client.mountBlob(other, ref, Digest.of(pushed.blobs().get(1)))).isTrue();
                assertThat(tokens.scopesSeen()).contains("repository:token/other:pull,push", "repository:token/app:pull");
            }
            try (RegistryClient wrong = RegistryClient.builder()
                    .credentials(CredentialSource.of(new Credential.UsernamePassword("bob", "nope"))).build()) {
                assertThatThrownBy(() -> wrong.pullManifest(ref))
                        .isInstanceOf(RegistryUnauthorizedException.class)
                        .hasMessageContaining("credentials refused")
                        .hasMessageContaining(registry.address());
            }
        }
    }
}
