package dev.soci4j.builder;

import dev.soci4j.builder.filter.LoopGuard;
import dev.soci4j.builder.filter.RepoTagFilter;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.PlatformSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The builder's configuration ({@code soci builder serve --config FILE}, YAML or JSON), one record per
 * section. Every default is a named constant with its reason; {@link #load} rejects unknown keys and
 * bad values naming the key ({@code queue.workers: must be >= 1, got 0}). Immutable.
 *
 * <pre>{@code
 * server:   {listen: "127.0.0.1:8080", path: /events, maxBodyBytes: 1048576}
 * auth:     {mode: secret, header: X-Soci-Builder-Secret, secret: "..."}   # or mode: hmac, or secretFile: PATH
 * filters:  {include: ["*:*"], tagSuffix: -soci}
 * build:    {mode: v2, inPlace: false, minLayerSize: 10MiB, spanSize: 4MiB, platforms: [linux/amd64], storeRoot: DIR}
 * registries: {"registry.local:5000": {address: "10.0.0.5:5000", plainHttp: true}}
 * queue:    {kind: embedded, dir: /var/lib/soci-builder, workers: 2, maxAttempts: 5,
 *            backoffBase: 2s, backoffMax: 5m, lease: 30s,
 *            postgres: {url: "jdbc:postgresql://db/soci", user: soci, password: "...", instanceId: host-1}}
 * }</pre>
 */
public record BuilderConfig(Server server, Auth auth, Filters filters, Build build, Map<String, Registry> registries, Queue queue) {
    public BuilderConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(queue, "queue");
        registries = Map.copyOf(registries);
    }

    /** Reads a YAML or JSON file; {@link InvalidConfigException} names the first bad key. */
    public static BuilderConfig load(Path file) throws IOException {
        return ConfigParser.parse(file);
    }

    /** Parses YAML or JSON text (JSON is YAML); {@code baseDir} resolves relative paths. */
    public static BuilderConfig parse(String text, Path baseDir) throws InvalidConfigException {
        return ConfigParser.parse(text, baseDir);
    }

    /**
     * The HTTP intake.
     *
     * @param host         address to bind
     * @param port         port to bind (0: any free one)
     * @param path         where notifications are POSTed
     * @param maxBodyBytes larger bodies get 413 without being read
     */
    public record Server(String host, int port, String path, long maxBodyBytes) {
        /** Loopback only unless asked: the intake trusts nothing but the secret, so expose it deliberately. */
        public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
        public static final String DEFAULT_PATH = "/events";
        /** distribution sends up to 32 events per envelope (~1 KiB each); 1 MiB is ample and bounds memory per request. */
        public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
    }

    public enum AuthMode {
        /** The header must carry the secret itself (distribution's {@code headers:}, Harbor's auth header). */
        SECRET,
        /** The header carries {@code sha256=<hex>}, the HMAC-SHA256 of the body keyed with the secret. */
        HMAC
    }

    /** How senders prove who they are; the secret is never logged ({@link #toString()} hides it). */
    public record Auth(AuthMode mode, String header, String secret) {
        public static final String DEFAULT_SECRET_HEADER = "X-Soci-Builder-Secret";
        /** GitHub's header and format, which many webhook relays already produce. */
        public static final String DEFAULT_HMAC_HEADER = "X-Hub-Signature-256";

        public Auth {
            if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("auth: a secret is required");
        }

        @Override
        public String toString() {
            return "Auth[mode=" + mode + ", header=" + header + ", secret=***]";
        }
    }

    /** Which pushes start a build. */
    public record Filters(RepoTagFilter include, LoopGuard loopGuard) {}

    public enum Mode {
        /** SOCI index v2: convert the image (the default: what current runtimes and Fargate use). */
        V2,
        /** SOCI index v1: index pushed beside the image, found through referrers or the fallback tag. */
        V1
    }

    /**
     * What a build does.
     *
     * @param inPlace   v2: overwrite the pushed tag with the converted image instead of writing {@code <tag><suffix>}
     * @param storeRoot local store for zTOCs (reused for layers seen before)
     */
    public record Build(Mode mode, boolean inPlace, PlatformSelection platforms, BuildOptions options, Path storeRoot) {
        /** All platforms: a multi-platform push is served to every kind of node. */
        public static final PlatformSelection DEFAULT_PLATFORMS = PlatformSelection.ALL;
    }

    /**
     * How to reach a registry that events name by {@code host[:port]}.
     *
     * @param address   {@code host:port} to connect to instead (the name events carry may be an external one)
     * @param plainHttp http:// (loopback addresses always are)
     * @param insecure  accept any TLS certificate (test registries only)
     */
    public record Registry(String address, boolean plainHttp, boolean insecure) {}

    public enum QueueKind { EMBEDDED, POSTGRES }

    /**
     * The durable queue and its workers.
     *
     * @param dir         embedded: journal directory; also the default store root
     * @param workers     builds at once in this instance
     * @param maxAttempts tries before a job is dead-lettered
     * @param lease       postgres: how long a claim lasts without a heartbeat
     */
    public record Queue(QueueKind kind, Path dir, int workers, int maxAttempts, Duration backoffBase, Duration backoffMax,
                        Duration lease, Postgres postgres) {
        /** Each build streams every layer once; 2 keeps a 2-core host busy without starving the intake. */
        public static final int DEFAULT_WORKERS = 2;
        /**
         * 5 tries with 2 s doubling to at most 5 min: 2+4+8+16 = 30 s of waiting (plus jitter) covers a
         * registry restart; a longer outage dead-letters, and a new push retries.
         */
        public static final int DEFAULT_MAX_ATTEMPTS = 5;
        public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(2);
        public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
        /** Heartbeats every lease/3, so a claim survives two missed beats; a killed instance's job is free after 30 s. */
        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    }

    /** The shared queue of a scaled-out deployment; {@link #toString()} hides the password. */
    public record Postgres(String url, String user, String password, String instanceId) {
        @Override
        public String toString() {
            return "Postgres[url=" + url + ", user=" + user + ", password=***, instanceId=" + instanceId + "]";
        }
    }

    /** A copy with another queue section (tests and the bench). */
    public BuilderConfig withQueue(Queue q) {
        return new BuilderConfig(server, auth, filters, build, registries, q);
    }

    /** The sections' defaults, by key, for {@code --help} and the README. */
    public static List<String> documentedDefaults() {
        return List.of(
                "server.listen=" + Server.DEFAULT_LISTEN,
                "server.path=" + Server.DEFAULT_PATH,
                "server.maxBodyBytes=" + Server.DEFAULT_MAX_BODY_BYTES,
                "auth.mode=secret (header " + Auth.DEFAULT_SECRET_HEADER + "; hmac: " + Auth.DEFAULT_HMAC_HEADER + ")",
                "filters.include=" + RepoTagFilter.DEFAULT_PATTERNS,
                "filters.tagSuffix=" + LoopGuard.DEFAULT_TAG_SUFFIX,
                "build.mode=v2, build.inPlace=false, build.platforms=all",
                "build.minLayerSize=" + BuildOptions.DEFAULT_MIN_LAYER_SIZE_BYTES + ", build.spanSize=" + BuildOptions.DEFAULT_SPAN_SIZE_BYTES,
                "queue.kind=embedded, queue.workers=" + Queue.DEFAULT_WORKERS + ", queue.maxAttempts=" + Queue.DEFAULT_MAX_ATTEMPTS,
                "queue.backoffBase=" + Queue.DEFAULT_BACKOFF_BASE + ", queue.backoffMax=" + Queue.DEFAULT_BACKOFF_MAX + ", queue.lease=" + Queue.DEFAULT_LEASE);
    }
}
