package dev.soci4j.builder;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * A real docker-registry whose notifications go to the builder's port, with skopeo to push into it
 * (as a user's {@code docker push} would) and a client to look at the result.
 */
final class RegistryFixture implements AutoCloseable {
    static final String SECRET = "integration-test-secret-0123";
    static final String SKOPEO = "/usr/bin/skopeo";

    final LocalRegistry registry;
    final RegistryClient client = RegistryClient.builder().build();

    private RegistryFixture(LocalRegistry registry) {
        this.registry = registry;
    }

    /** Starts a registry that POSTs its notifications to {@code http://127.0.0.1:<builderPort>/events}. */
    static RegistryFixture start(Path dir, int builderPort) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(SKOPEO)), "needs " + SKOPEO + " (Debian package skopeo)");
        String notifications = """
                notifications:
                  endpoints:
                    - name: soci-builder
                      url: http://127.0.0.1:%d/events
                      headers:
                        X-Soci-Builder-Secret: [%s]
                      timeout: 5s
                      threshold: 3
                      backoff: 200ms
                """.formatted(builderPort, SECRET);
        return new RegistryFixture(LocalRegistry.start(dir, new LocalRegistry.Options(notifications, null)));
    }

    ImageReference ref(String repoTag) {
        return ImageReference.parse(registry.address() + "/" + repoTag);
    }

    /** Makes a random two-platform image in {@code staging/<name>:src} (through the client), returns its reference. */
    ImageReference stage(String name, Random random) throws IOException {
        ImageReference staged = ref("staging/" + name + ":src");
        TestImage.push(client, staged, random);
        return staged;
    }

    /** {@code skopeo copy --all docker://FROM docker://TO}: what a user's push looks like to the registry. */
    void skopeoCopy(ImageReference from, String toRepoTag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SKOPEO, "copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + from, "docker://" + ref(toRepoTag))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("skopeo copy failed: " + out);
    }

    Optional<Descriptor> head(String repoTag) throws IOException {
        return client.headManifest(ref(repoTag));
    }

    /** Waits (up to {@code max}; a deadline, not a speed assertion) for a tag to appear. */
    Descriptor awaitTag(String repoTag, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Descriptor> d = head(repoTag);
            if (d.isPresent()) return d.get();
            Thread.sleep(100);
        }
        throw new AssertionError(repoTag + " did not appear within " + max + "; registry log:\n" + registry.log());
    }

    static void await(String what, Duration max, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + " not reached within " + max);
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        registry.close();
    }
}
