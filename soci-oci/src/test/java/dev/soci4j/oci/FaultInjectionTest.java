package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.http.RetryPolicy;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.FakeRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injected faults against an in-process fake registry: every case ends in the right bytes after a
 * retry or resume, or in a clear error with nothing corrupt left behind.
 */
@ExtendWith(SeededRandom.class)
class FaultInjectionTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofSeconds(2));
    private FakeRegistry fake;
    private RegistryClient client;

    private RegistryClient client(Random random) {
        client = RegistryClient.builder().retryPolicy(FAST).jitter(random).build();
        return client;
    }

    @AfterEach
    void close() throws Exception {
        if (client != null) client.close();
        if (fake != null) fake.close();
    }

    private static Map<String, String> blobHeaders(byte[] blob) {
        return Map.of("Docker-Content-Digest", Digest.of(blob).toString(), "Content-Type", "application/octet-stream");
    }

    /** Serves {@code blob} honouring Range, but the first {@code faults} answers go to {@code fault}. */
    private static FakeRegistry.Handler blobServer(byte[] blob, AtomicInteger faults, FakeRegistry.Handler fault) {
        return (ex, reply) -> {
            if (faults.getAndDecrement() > 0) {
                fault.handle(ex, reply);
                return;
            }
            long[] r = FakeRegistry.range(ex, blob.length);
            if (r == null) reply.send(200, blobHeaders(blob), blob);
            else reply.send(206, Map.of("Content-Range", "bytes %d-%d/%d".formatted(r[0], r[1], blob.length)),
                    Arrays.copyOfRange(blob, (int) r[0], (int) r[1] + 1));
        };
    }

    private ImageReference repo() {
        return ImageReference.parse(fake.address() + "/fault/app");
    }

    private static Descriptor layer(byte[] blob) {
        return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob);
    }

    @Test
    void retries5xxBurstsThenSucceeds(Random random) throws Exception {
        byte[] manifest = RawManifest.of(ImageIndex.of(List.of())).bytes();
        AtomicInteger failures = new AtomicInteger(2);
        fake = new FakeRegistry((ex, reply) -> {
            if (failures.getAndDecrement() > 0) reply.send(503, Map.of(), "busy".getBytes(StandardCharsets.UTF_8));
            else reply.send(200, Map.of("Content-Type", MediaTypes.OCI_INDEX), manifest);
        });
        assertThat(client(random).pullManifest(repo().withTag("v1")).bytes()).isEqualTo(manifest);
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void honoursRetryAfterOn429(Random random) throws Exception {
        byte[] manifest = RawManifest.of(ImageIndex.of(List.of())).bytes();
        AtomicInteger failures = new AtomicInteger(1);
        fake = new FakeRegistry((ex, reply) -> {
            if (failures.getAndDecrement() > 0) reply.send(429, Map.of("Retry-After", "1"), new byte[0]);
            else reply.send(200, Map.of("Content-Type", MediaTypes.OCI_INDEX), manifest);
        });
        assertThat(client(random).pullManifest(repo().withTag("v1")).bytes()).isEqualTo(manifest);
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void givesUpAfterBoundedAttemptsSayingHowMany(Random random) throws Exception {
        fake = new FakeRegistry((ex, reply) -> reply.send(500, Map.of(),
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client(random).pullManifest(repo().withTag("v1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("pull manifest v1 from " + fake.address() + "/fault/app")
                .hasMessageContaining("HTTP 500").hasMessageContaining("disk on fire").hasMessageContaining("after 4 attempts");
        assertThat(fake.requests()).hasSize(4);
    }

    @Test
    void resumesAfterAResetMidBody(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 3 << 20);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(2),
                (ex, reply) -> reply.sendThenReset(200, blobHeaders(blob), blob, 1 << 20)));
        Path target = dir.resolve("layer");
        client(random).pullBlob(repo(), layer(blob), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(blob);
        assertThat(fake.requests().get(2).headers()).containsKey("range");
        assertThat(dir.toFile().list()).containsExactly("layer");
    }

    @Test
    void resumesAfterATruncatedBody(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 2 << 20);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(1),
                (ex, reply) -> reply.sendTruncated(200, blobHeaders(blob), blob, 777_777)));
        Path target = dir.resolve("layer");
        client(random).pullBlob(repo(), layer(blob), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(blob);
        // resumes from what actually arrived (the client may drop its last partial buffer on EOF)
        String range = fake.requests().get(1).headers().get("range");
        assertThat(range).startsWith("bytes=").endsWith("-");
        assertThat(Long.parseLong(range.substring(6, range.length() - 1))).isBetween(1L, 777_777L);
    }

    /** Reads a channel to its end through a buffer of {@code bufferBytes} (direct or heap). */
    static byte[] drain(java.nio.channels.ReadableByteChannel channel, int bufferBytes, boolean direct) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer buf = direct ? java.nio.ByteBuffer.allocateDirect(bufferBytes) : java.nio.ByteBuffer.allocate(bufferBytes);
        while (channel.read(buf.clear()) >= 0) {
            buf.flip();
            byte[] chunk = new byte[buf.remaining()];
            buf.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    @Test
    void streamsABlobResumingAfterResetsMidBody(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 3 << 20);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(2),
                (ex, reply) -> reply.sendThenReset(200, blobHeaders(blob), blob, 1 << 20)));
        try (var channel = client(random).openBlob(repo(), layer(blob))) {
            assertThat(drain(channel, 100_000, false)).isEqualTo(blob);
        }
        assertThat(fake.requests()).hasSize(3);
        assertThat(fake.requests().get(2).headers().get("range")).matches("bytes=[1-9][0-9]*-");
    }

    @Test
    void streamsABlobResumingAfterATruncatedBodyIntoDirectBuffers(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 2 << 20);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(1),
                (ex, reply) -> reply.sendTruncated(200, blobHeaders(blob), blob, 777_777)));
        try (var channel = client(random).openBlob(repo(), layer(blob))) {
            assertThat(drain(channel, 65_536, true)).isEqualTo(blob);
        }
        assertThat(fake.requests().get(1).headers()).containsKey("range");
    }

    @Test
    void streamsABlobResumingAfterResetsMidBodyIntoLargeDirectBuffers(Random random) throws Exception {
        // more than the hasher's buffers hold, so they go round; resets land inside one of them
        byte[] blob = TestImages.randomBytes(random, (6 << 20) + 3);
        int cut = (1 << 20) + 12_345;
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(2),
                (ex, reply) -> reply.sendThenReset(200, blobHeaders(blob), blob, cut)));
        try (var channel = client(random).openBlob(repo(), layer(blob))) {
            assertThat(drain(channel, 1 << 20, true)).isEqualTo(blob);
        }
        assertThat(fake.requests()).hasSize(3);
        // a reset discards what the client had not read yet, so it resumes from at most the cut
        String range = fake.requests().get(2).headers().get("range");
        if (range != null) assertThat(Long.parseLong(range.substring(6, range.length() - 1))).isBetween(1L, (long) cut);
    }

    @Test
    void streamsABlobInSmallReadsAcrossTheHashersBuffers(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, (5 << 20) + 17);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(0), null));
        try (var channel = client(random).openBlob(repo(), layer(blob))) {
            assertThat(drain(channel, 4_099, false)).isEqualTo(blob);
            assertThat(channel.read(java.nio.ByteBuffer.allocate(1))).as("stays at its end").isEqualTo(-1);
        }
    }

    @Test
    void streamedWrongBytesFailAtTheEndInsteadOfEndingCleanly(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 500_000);
        byte[] wrong = blob.clone();
        wrong[random.nextInt(wrong.length)] ^= 0x01;
        fake = new FakeRegistry((ex, reply) -> reply.send(200, blobHeaders(blob), wrong));
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8192);
        long seen = 0;
        try (var channel = client(random).openBlob(repo(), layer(blob))) {
            for (int i = 0; i < 10_000 && seen < blob.length; i++) seen += Math.max(0, channel.read(buf.clear()));
            assertThat(seen).isEqualTo(blob.length);
            assertThatThrownBy(() -> channel.read(buf.clear()))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining("expected " + Digest.of(blob)).hasMessageContaining("got " + Digest.of(wrong));
        }
    }

    @Test
    void streamedLongerBodyFails(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 1000);
        fake = new FakeRegistry((ex, reply) -> reply.send(200, Map.of(), Arrays.copyOf(blob, 2000)));
        assertThatThrownBy(() -> {
            try (var channel = client(random).openBlob(repo(), layer(blob))) {
                drain(channel, 4096, false);
            }
        }).isInstanceOf(RegistryException.class).hasMessageContaining("2000").hasMessageContaining("1000");
    }

    @Test
    void closingAStreamEarlyReleasesItsTransferPermit(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 1 << 20);
        fake = new FakeRegistry(blobServer(blob, new AtomicInteger(0), null));
        client = RegistryClient.builder().retryPolicy(FAST).jitter(random).maxTransfersPerHost(1).build();
        // With one permit per host, a second open would wait forever if closing had not released the first.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3; i++) {
                try (var channel = client.openBlob(repo(), layer(blob))) {
                    assertThat(channel.read(java.nio.ByteBuffer.allocate(1000))).isPositive();
                }
            }
            try (var channel = client.openBlob(repo(), layer(blob))) {
                assertThat(drain(channel, 1 << 16, false)).isEqualTo(blob);
            }
        });
    }

    @Test
    void failsClearlyWhenTheBodyKeepsBreaking(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 1 << 20);
        fake = new FakeRegistry((ex, reply) -> reply.sendThenReset(200, blobHeaders(blob), blob, 10));
        Path target = dir.resolve("layer");
        assertThatThrownBy(() -> client(random).pullBlob(repo(), layer(blob), target))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining(Digest.of(blob).toString()).hasMessageContaining("after 4 attempts");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void refusesWrongBytesAndPublishesNothing(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 500_000);
        byte[] wrong = blob.clone();
        wrong[random.nextInt(wrong.length)] ^= 0x01;
        fake = new FakeRegistry((ex, reply) -> reply.send(200, blobHeaders(blob), wrong));
        Path target = dir.resolve("layer");
        assertThatThrownBy(() -> client(random).pullBlob(repo(), layer(blob), target))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("expected " + Digest.of(blob)).hasMessageContaining("got " + Digest.of(wrong));
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void refusesALongerBody(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 1000);
        byte[] longer = Arrays.copyOf(blob, 2000);
        fake = new FakeRegistry((ex, reply) -> reply.send(200, Map.of(), longer));
        assertThatThrownBy(() -> client(random).pullBlob(repo(), layer(blob), dir.resolve("layer")))
                .isInstanceOf(RegistryException.class).hasMessageContaining("2000").hasMessageContaining("1000");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void readsSlowBodiesCompletely(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 64 * 1024);
        fake = new FakeRegistry((ex, reply) -> reply.sendSlowly(200, blobHeaders(blob), blob, 4096, 5));
        Path target = dir.resolve("layer");
        client(random).pullBlob(repo(), layer(blob), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(blob);
    }

    @Test
    void skipsAFullBodyToTheRequestedRange(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 100_000);
        fake = new FakeRegistry((ex, reply) -> reply.send(200, blobHeaders(blob), blob)); // ignores Range
        assertThat(client(random).readBlobRange(repo(), Digest.of(blob), 12_345, 4096))
                .isEqualTo(Arrays.copyOfRange(blob, 12_345, 12_345 + 4096));
    }

    @Test
    void rejectsARangeAnswerForOtherBytes(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 100_000);
        fake = new FakeRegistry((ex, reply) -> reply.send(206, Map.of("Content-Range", "bytes 0-4095/100000"), Arrays.copyOf(blob, 4096)));
        assertThatThrownBy(() -> client(random).readBlobRange(repo(), Digest.of(blob), 8192, 4096))
                .isInstanceOf(RegistryException.class).hasMessageContaining("bytes 8192-12287").hasMessageContaining("Content-Range");
    }

    @Test
    void refusesOversizedManifests(Random random) throws Exception {
        fake = new FakeRegistry((ex, reply) -> reply.send(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), new byte[RawManifest.MAX_BYTES + 1]));
        assertThatThrownBy(() -> client(random).pullManifest(repo().withTag("huge")))
                .isInstanceOf(RegistryException.class).hasMessageContaining("4194304-byte limit");
    }

    @Test
    void refusesAManifestWhoseDigestDiffers(Random random) throws Exception {
        byte[] manifest = RawManifest.of(ImageIndex.of(List.of())).bytes();
        Digest claimed = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
        fake = new FakeRegistry((ex, reply) -> reply.send(200, Map.of("Content-Type", MediaTypes.OCI_INDEX), manifest));
        assertThatThrownBy(() -> client(random).pullManifest(repo().withDigest(claimed)))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining(claimed.toString());
    }

    @Test
    void dropsAuthorizationOnRedirectToAnotherHost(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 10_000);
        try (FakeRegistry storage = new FakeRegistry((ex, reply) -> reply.send(200, Map.of(), blob))) {
            fake = new FakeRegistry((ex, reply) -> {
                if (!ex.headers().containsKey("authorization")) reply.send(401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), new byte[0]);
                else reply.send(307, Map.of("Location", "http://localhost:" + storage.port() + "/bucket/blob?X-Sig=secret"), new byte[0]);
            });
            client = RegistryClient.builder().retryPolicy(FAST).jitter(random)
                    .credentials(CredentialSource.of(new Credential.UsernamePassword("u", "p"))).build();
            Path target = dir.resolve("layer");
            client.pullBlob(repo(), layer(blob), target);
            assertThat(Files.readAllBytes(target)).isEqualTo(blob);
            assertThat(fake.requests().getLast().headers()).containsKey("authorization");
            assertThat(storage.requests()).singleElement().satisfies(r -> assertThat(r.headers()).doesNotContainKey("authorization"));
        }
    }

    @Test
    void usesTheReferrersApiAndFiltersWhenTheRegistryDidNot(Random random) throws Exception {
        Digest subject = Digest.of("subject".getBytes(StandardCharsets.UTF_8));
        Descriptor soci = Descriptor.of(MediaTypes.OCI_MANIFEST, "a".getBytes(StandardCharsets.UTF_8)).withArtifactType(MediaTypes.SOCI_INDEX_V2);
        Descriptor sbom = Descriptor.of(MediaTypes.OCI_MANIFEST, "b".getBytes(StandardCharsets.UTF_8)).withArtifactType("application/spdx+json");
        byte[] index = RawManifest.of(ImageIndex.of(List.of(soci, sbom))).bytes();
        fake = new FakeRegistry((ex, reply) -> {
            if (ex.path().startsWith("/v2/fault/app/referrers/" + subject)) reply.send(200, Map.of("Content-Type", MediaTypes.OCI_INDEX), index);
            else reply.send(404, Map.of(), new byte[0]);
        });
        RegistryClient c = client(random);
        assertThat(c.listReferrers(repo(), subject, null).manifests()).containsExactly(soci, sbom);
        assertThat(c.listReferrers(repo(), subject, MediaTypes.SOCI_INDEX_V2).manifests()).containsExactly(soci);
        assertThat(fake.requests()).allSatisfy(r -> assertThat(r.path()).contains("/referrers/"));
    }

    @Test
    void pushingWithSubjectSkipsTheFallbackWhenTheRegistryHandlesIt(Random random) throws Exception {
        fake = new FakeRegistry((ex, reply) -> reply.send(201, Map.of("OCI-Subject", "sha256:x"), new byte[0]));
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        RawManifest artifact = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_EMPTY, empty), List.of())
                .withSubject(Descriptor.of(MediaTypes.OCI_MANIFEST, empty)));
        client(random).pushManifest(repo().withDigest(artifact.digest()), artifact);
        assertThat(fake.requests()).singleElement().extracting(FakeRegistry.Exchange::method).isEqualTo("PUT");
    }
}
