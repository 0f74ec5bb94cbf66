package dev.soci4j.oci;

import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.auth.RegistryAuthenticator;
import dev.soci4j.oci.http.HttpPipeline;
import dev.soci4j.oci.http.RequestBody;
import dev.soci4j.oci.http.RetryPolicy;
import dev.soci4j.oci.http.SocketTransport;
import dev.soci4j.oci.http.Step;
import dev.soci4j.oci.http.Transport;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.Manifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.registry.RegistryHost;
import dev.soci4j.oci.registry.RegistryHostOptions;
import dev.soci4j.oci.registry.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry client facade: every OCI distribution operation soci4j needs, addressed by
 * {@link ImageReference}. Each call is one endpoint class in {@code dev.soci4j.oci.registry}; HTTP
 * concerns (auth, retries, redirects, Range) are the pipeline's steps in {@code dev.soci4j.oci.http}.
 * Thread-safe; share one instance. Blob transfers are bounded per registry host.
 */
public final class RegistryClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);

    /** docker pushes up to 5 and pulls up to 3 layers at once; 8 keeps a LAN link full without tripping rate limits. */
    public static final int DEFAULT_MAX_TRANSFERS_PER_HOST = 8;
    /** Blobs up to this size go up in one PUT; larger ones in chunks of this size (a failed chunk costs at most this much). */
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;
    /**
     * Streamed uploads send a PATCH per 8 MiB (about 130 for a 1 GiB layer) and hold that much in
     * memory per upload: memory stays flat in blob size and a repeated PATCH resends the same bytes.
     */
    public static final int STREAM_CHUNK_BYTES = 8 << 20;
    /** distribution's default page size is 100; we ask for more to save round trips. */
    public static final int TAG_PAGE_SIZE = 1000;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * {@code -Dsoci4j.http.transport=jdk} ends the pipeline in java.net.http instead of blocking sockets,
     * for comparisons in {@code bench/registry-pull.sh}; token requests always use java.net.http.
     */
    static final String TRANSPORT_PROPERTY = "soci4j.http.transport";

    private final CredentialSource credentials;
    private final Map<String, RegistryHostOptions> hostOptions;
    private final RetryPolicy retry;
    private final int maxTransfersPerHost;
    private final long chunkBytes;
    private final Clock clock;
    private final RandomGenerator jitter;
    private final Map<String, RegistryHost> hosts = new ConcurrentHashMap<>();
    private final Map<RegistryHostOptions, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<RegistryHostOptions, SocketTransport> transports = new ConcurrentHashMap<>();
    /** CPU work of transfers (sha256 of pulled and streamed blobs), off the receiving threads; one thread per core. */
    private final java.util.concurrent.ExecutorService cpu = java.util.concurrent.Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), Thread.ofPlatform().name("soci4j-blob-hash-", 0).daemon().factory());

    private RegistryClient(Builder b) {
        this.credentials = b.credentials;
        this.hostOptions = Map.copyOf(b.hostOptions);
        this.retry = b.retry;
        this.maxTransfersPerHost = b.maxTransfersPerHost;
        this.chunkBytes = b.chunkBytes;
        this.clock = b.clock;
        this.jitter = b.jitter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; every default is a named constant above. Not thread-safe. */
    public static final class Builder {
        private CredentialSource credentials = CredentialSource.ANONYMOUS;
        private final Map<String, RegistryHostOptions> hostOptions = new HashMap<>();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private int maxTransfersPerHost = DEFAULT_MAX_TRANSFERS_PER_HOST;
        private long chunkBytes = DEFAULT_CHUNK_BYTES;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator jitter = new java.util.SplittableRandom();

        public Builder credentials(CredentialSource source) { this.credentials = source; return this; }
        /** How to reach {@code registry} ({@code host[:port]}); default {@link RegistryHostOptions#defaultFor}. */
        public Builder hostOptions(String registry, RegistryHostOptions options) { hostOptions.put(registry, options); return this; }
        public Builder retryPolicy(RetryPolicy policy) { this.retry = policy; return this; }
        public Builder maxTransfersPerHost(int max) {
            if (max < 1) throw new IllegalArgumentException("maxTransfersPerHost must be >= 1, got " + max);
            this.maxTransfersPerHost = max; return this;
        }
        /** Upload chunk size; 0 means always monolithic. */
        public Builder chunkBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("chunkBytes must be >= 0, got " + bytes);
            this.chunkBytes = bytes; return this;
        }
        public Builder clock(Clock c) { this.clock = c; return this; }
        public Builder jitter(RandomGenerator random) { this.jitter = random; return this; }
        public RegistryClient build() { return new RegistryClient(this); }
    }

    /** The host handle for a registry (created on first use). */
    public RegistryHost host(String registry) {
        return hosts.computeIfAbsent(registry, this::newHost);
    }

    private RegistryHost host(ImageReference ref) {
        return host(ref.registry());
    }

    private RegistryHost newHost(String registry) {
        RegistryHostOptions options = hostOptions.getOrDefault(registry, RegistryHostOptions.defaultFor(registry));
        // java.net.http is only built when used (token requests, or the jdk transport): ~0.1 s of start-up otherwise
        java.util.function.Supplier<HttpClient> client = () -> clients.computeIfAbsent(options, this::newHttpClient);
        String apiHost = registry.equals(ImageReference.DOCKER_HUB) ? ImageReference.DOCKER_HUB_API : registry;
        URI base = URI.create((options.plainHttp() ? "http://" : "https://") + apiHost + "/");
        RegistryAuthenticator auth = new RegistryAuthenticator(registry, base, credentials, client, clock);
        Step transport = "jdk".equals(System.getProperty(TRANSPORT_PROPERTY)) ? new Transport(client.get())
                : transports.computeIfAbsent(options, o -> new SocketTransport(o.plainHttp() ? null : TlsContexts.forOptions(o), CONNECT_TIMEOUT));
        return new RegistryHost(registry, base, HttpPipeline.forRegistry(transport, auth, retry, jitter), maxTransfersPerHost);
    }

    private HttpClient newHttpClient(RegistryHostOptions options) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                // registries differ in HTTP/2 support and loopback throughput is better over HTTP/1.1
                .version(HttpClient.Version.HTTP_1_1);
        if (!options.plainHttp()) b.sslContext(TlsContexts.forOptions(options));
        return b.build();
    }

    // ---- API check, manifests ----

    public void checkApi(String registry) throws IOException {
        host(registry).checkApi();
    }

    /** The manifest or index the reference names (digest if present, else tag), raw and verified. */
    public RawManifest pullManifest(ImageReference ref) throws IOException {
        return host(ref).pullManifest(ref.repository(), ref.manifestReference(), MediaTypes.ALL_MANIFESTS);
    }

    public Optional<Descriptor> headManifest(ImageReference ref) throws IOException {
        return host(ref).headManifest(ref.repository(), ref.manifestReference());
    }

    /**
     * Pushes manifest bytes under the reference's tag (or digest). A manifest with a subject on a
     * registry without the referrers API also goes into the {@code sha256-<hex>} fallback index.
     */
    public Digest pushManifest(ImageReference target, RawManifest manifest) throws IOException {
        String reference = target.tag() != null ? target.tag() : manifest.digest().toString();
        boolean subjectHandled = host(target).pushManifest(target.repository(), reference, manifest);
        Manifest parsed = manifest.parse();
        Optional<Descriptor> subject = parsed.subjectIfAny();
        if (subject.isPresent() && !subjectHandled) addToReferrersFallback(target, subject.get(), manifest, parsed);
        return manifest.digest();
    }

    private void addToReferrersFallback(ImageReference target, Descriptor subject, RawManifest manifest, Manifest parsed) throws IOException {
        ImageReference tag = target.withTag(subject.digest().referrersTag());
        ImageIndex index;
        try {
            RawManifest existing = pullManifest(tag);
            index = existing.parse() instanceof ImageIndex i ? i : ImageIndex.of(List.of());
        } catch (ManifestNotFoundException none) {
            index = ImageIndex.of(List.of());
        }
        String artifactType = switch (parsed) {
            case dev.soci4j.oci.manifest.ImageManifest m -> m.effectiveArtifactType();
            case ImageIndex i -> i.artifactType();
        };
        Descriptor entry = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), List.of(),
                parsed.annotations(), null, artifactType);
        ImageIndex merged = index.adding(entry);
        if (merged == index) return;
        RawManifest mergedRaw = RawManifest.of(merged);
        host(target).pushManifest(target.repository(), tag.tag(), mergedRaw);
        log.atDebug().addKeyValue("image", target).addKeyValue("subject", subject.digest())
                .addKeyValue("referrers", merged.manifests().size()).log("updated referrers fallback tag");
    }

    /**
     * The referrers of {@code subject}, optionally only those of {@code artifactType}: from the
     * referrers API, or from the {@code sha256-<hex>} fallback tag when the registry has no API.
     */
    public ImageIndex listReferrers(ImageReference repository, Digest subject, String artifactType) throws IOException {
        Optional<ImageIndex> fromApi = host(repository).referrers(repository.repository(), subject, artifactType);
        if (fromApi.isPresent()) return fromApi.get();
        try {
            RawManifest fallback = pullManifest(repository.withTag(subject.referrersTag()));
            if (!(fallback.parse() instanceof ImageIndex index)) return ImageIndex.of(List.of());
            return artifactType == null ? index
                    : index.withManifests(index.manifests().stream().filter(d -> artifactType.equals(d.artifactType())).toList());
        } catch (ManifestNotFoundException none) {
            return ImageIndex.of(List.of());
        }
    }

    /** Deletes the manifest the reference's digest names. */
    public void deleteManifest(ImageReference ref) throws IOException {
        Digest digest = ref.digestIfAny().orElseThrow(() -> new IllegalArgumentException("deleting needs a digest reference: " + ref));
        host(ref).deleteManifest(ref.repository(), digest);
    }

    public List<String> listTags(ImageReference repository) throws IOException {
        return host(repository).listTags(repository.repository(), TAG_PAGE_SIZE);
    }

    // ---- blobs ----

    /** The blob's size if the repository has it. */
    public java.util.OptionalLong blobSize(ImageReference repository, Digest digest) throws IOException {
        return host(repository).blobSize(repository.repository(), digest);
    }

    /** Streams the blob into {@code target}, verified; the file appears only when complete and correct. */
    public void pullBlob(ImageReference repository, Descriptor blob, Path target) throws IOException {
        host(repository).pullBlob(repository.repository(), blob, target, retry, jitter, cpu);
    }

    /**
     * The blob's bytes as they arrive from the registry, for consumers that work while it streams
     * (the SOCI index builder) rather than from a copy on disk. A connection reset mid-body is resumed
     * with a Range request, as in {@link #pullBlob}. Bytes are counted and hashed as they pass (the
     * hashing on the client's CPU pool, not the reading thread); when the stream ends, size and digest
     * are checked and a mismatch makes that {@code read} throw {@link DigestMismatchException}: a clean
     * end of stream (-1) means every byte was right. Fastest read into direct buffers. The caller
     * closes the channel (closing early drops the connection); it holds one of the host's transfer
     * permits until then. Not thread-safe.
     */
    public java.nio.channels.ReadableByteChannel openBlob(ImageReference repository, Descriptor blob) throws IOException {
        return host(repository).openBlob(repository.repository(), blob, retry, jitter, cpu);
    }

    public byte[] pullBlobBytes(ImageReference repository, Descriptor blob) throws IOException {
        return host(repository).pullBlobBytes(repository.repository(), blob);
    }

    /** Exactly {@code length} bytes of the blob from {@code offset} (one Range GET). */
    /**
     * Reads {@code length} bytes at {@code offset} of a blob straight into {@code dst[dstOffset..]}
     * (no array of its own), telling {@code progress} how many bytes from {@code dstOffset} are in
     * place as they arrive, so a consumer can start on them (a retried request starts over from 0).
     * Not digest-checked: the caller checks what it knows (a span's digest).
     */
    public void readBlobRange(ImageReference repository, Digest digest, long offset, byte[] dst, int dstOffset, int length,
                              java.util.function.IntConsumer progress) throws IOException {
        host(repository).readBlobRange(repository.repository(), digest, offset, dst, dstOffset, length, progress);
    }

    public byte[] readBlobRange(ImageReference repository, Digest digest, long offset, int length) throws IOException {
        return host(repository).readBlobRange(repository.repository(), digest, offset, length);
    }

    /** Uploads a file as a blob unless the repository already has it; returns whether bytes were sent. */
    public boolean pushBlob(ImageReference repository, Descriptor blob, Path file) throws IOException {
        long size = Files.size(file);
        if (size != blob.size()) throw new IllegalArgumentException("file %s has %d bytes, descriptor %s says %d".formatted(file, size, blob.digest(), blob.size()));
        return pushBlob(repository, blob.digest(), RequestBody.of(file, 0, size));
    }

    /**
     * Uploads a blob from a stream unless the repository already has it (then {@code body} is left
     * unread); returns whether bytes were sent. Size and digest are the descriptor's: the blob is
     * published only when {@code body} ends cleanly after exactly that many bytes (a
     * {@link VerifyingChannel} has then checked them) and the registry's own digest check passes; on
     * any failure the upload session is cancelled, leaving nothing behind. Memory is one chunk of
     * {@link #STREAM_CHUNK_BYTES}, whatever the blob's size. The caller closes {@code body}.
     */
    public boolean pushBlob(ImageReference repository, Descriptor blob, java.nio.channels.ReadableByteChannel body) throws IOException {
        if (blobSize(repository, blob.digest()).isPresent()) {
            log.atDebug().addKeyValue("registry", repository.registry()).addKeyValue("layer", blob.digest()).log("blob exists, skipped");
            return false;
        }
        host(repository).pushBlob(repository.repository(), blob, body, STREAM_CHUNK_BYTES);
        return true;
    }

    /** Uploads bytes as a blob unless the repository already has them; returns whether bytes were sent. */
    public boolean pushBlob(ImageReference repository, byte[] bytes) throws IOException {
        return pushBlob(repository, Digest.of(bytes), RequestBody.of(bytes.clone()));
    }

    private boolean pushBlob(ImageReference repository, Digest digest, RequestBody body) throws IOException {
        if (blobSize(repository, digest).isPresent()) {
            log.atDebug().addKeyValue("registry", repository.registry()).addKeyValue("layer", digest).log("blob exists, skipped");
            return false;
        }
        host(repository).pushBlob(repository.repository(), digest, body, chunkBytes);
        return true;
    }

    /**
     * Makes a blob of {@code from} (same registry) available in {@code target} without sending it;
     * returns false when the registry declined to mount (then push it instead).
     */
    public boolean mountBlob(ImageReference target, ImageReference from, Digest digest) throws IOException {
        if (!target.registry().equals(from.registry()))
            throw new IllegalArgumentException("cannot mount across registries: %s → %s".formatted(from.registry(), target.registry()));
        return host(target).mountBlob(target.repository(), digest, from.repository());
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        transports.values().forEach(SocketTransport::close);
        cpu.shutdown();
    }
}
