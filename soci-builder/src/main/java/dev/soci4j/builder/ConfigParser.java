package dev.soci4j.builder;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.soci4j.builder.BuilderConfig.Auth;
import dev.soci4j.builder.BuilderConfig.AuthMode;
import dev.soci4j.builder.BuilderConfig.Build;
import dev.soci4j.builder.BuilderConfig.Filters;
import dev.soci4j.builder.BuilderConfig.Mode;
import dev.soci4j.builder.BuilderConfig.Postgres;
import dev.soci4j.builder.BuilderConfig.Queue;
import dev.soci4j.builder.BuilderConfig.QueueKind;
import dev.soci4j.builder.BuilderConfig.Registry;
import dev.soci4j.builder.BuilderConfig.Server;
import dev.soci4j.builder.filter.LoopGuard;
import dev.soci4j.builder.filter.RepoTagFilter;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.PlatformSelection;
import dev.soci4j.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@link BuilderConfig} from a YAML/JSON tree, key by key, rejecting unknown keys and bad values by name. */
final class ConfigParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

    private ConfigParser() {}

    static BuilderConfig parse(Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        return parse(Files.readString(file), base);
    }

    static BuilderConfig parse(String text, Path baseDir) throws InvalidConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidConfigException("(file)", "not YAML or JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) root = YAML.createObjectNode();
        return fromTree(root, baseDir);
    }

    static BuilderConfig fromTree(JsonNode root, Path baseDir) throws InvalidConfigException {
        Section top = new Section("", root);
        top.only("server", "auth", "filters", "build", "registries", "queue");
        Queue queue = queue(top.section("queue"), baseDir);
        return new BuilderConfig(server(top.section("server")), auth(top.section("auth"), baseDir), filters(top.section("filters")),
                build(top.section("build"), baseDir, queue), registries(top.section("registries")), queue);
    }

    private static Server server(Section s) throws InvalidConfigException {
        s.only("listen", "path", "maxBodyBytes");
        String listen = s.string("listen", Server.DEFAULT_LISTEN);
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) throw s.bad("listen", "expected host:port, got '" + listen + "'");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw s.bad("listen", "bad port in '" + listen + "'");
        }
        if (port < 0 || port > 65535) throw s.bad("listen", "port out of range in '" + listen + "'");
        String path = s.string("path", Server.DEFAULT_PATH);
        if (!path.startsWith("/") || path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics"))
            throw s.bad("path", "must start with '/' and not be /healthz, /readyz or /metrics, got '" + path + "'");
        long max = s.size("maxBodyBytes", Server.DEFAULT_MAX_BODY_BYTES);
        if (max < 1024) throw s.bad("maxBodyBytes", "must be at least 1KiB, got " + max);
        return new Server(listen.substring(0, colon), port, path, max);
    }

    private static Auth auth(Section s, Path baseDir) throws InvalidConfigException {
        s.only("mode", "header", "secret", "secretFile");
        AuthMode mode = s.enumValue("mode", AuthMode.class, AuthMode.SECRET);
        String header = s.string("header", mode == AuthMode.SECRET ? Auth.DEFAULT_SECRET_HEADER : Auth.DEFAULT_HMAC_HEADER);
        if (header.isBlank()) throw s.bad("header", "must not be empty");
        String secret = s.string("secret", null);
        String secretFile = s.string("secretFile", null);
        if (secret != null && secretFile != null) throw s.bad("secretFile", "give secret or secretFile, not both");
        if (secretFile != null) {
            try {
                secret = Files.readString(baseDir.resolve(secretFile)).strip();
            } catch (IOException e) {
                throw s.bad("secretFile", "cannot read " + baseDir.resolve(secretFile) + ": " + e.getMessage());
            }
        }
        if (secret == null || secret.isEmpty()) throw s.bad("secret", "required (or secretFile): unauthenticated intake is not offered");
        if (secret.length() < 16) throw s.bad("secret", "must be at least 16 characters");
        return new Auth(mode, header, secret);
    }

    private static Filters filters(Section s) throws InvalidConfigException {
        s.only("include", "tagSuffix");
        List<String> include = s.strings("include", RepoTagFilter.DEFAULT_PATTERNS);
        RepoTagFilter filter;
        try {
            filter = RepoTagFilter.of(include);
        } catch (IllegalArgumentException e) {
            throw s.bad("include", e.getMessage());
        }
        String suffix = s.string("tagSuffix", LoopGuard.DEFAULT_TAG_SUFFIX);
        if (suffix.isEmpty()) throw s.bad("tagSuffix", "must not be empty: converted images would trigger builds");
        return new Filters(filter, new LoopGuard(suffix));
    }

    private static Build build(Section s, Path baseDir, Queue queue) throws InvalidConfigException {
        s.only("mode", "inPlace", "platforms", "minLayerSize", "spanSize", "parallelLayers", "storeRoot");
        Mode mode = s.enumValue("mode", Mode.class, Mode.V2);
        boolean inPlace = s.bool("inPlace", false);
        if (inPlace && mode == Mode.V1) throw s.bad("inPlace", "only for mode v2 (v1 never changes the image)");
        List<String> platformNames = s.strings("platforms", List.of("all"));
        PlatformSelection platforms;
        if (platformNames.equals(List.of("all"))) {
            platforms = Build.DEFAULT_PLATFORMS;
        } else {
            List<Platform> list = new ArrayList<>();
            for (String p : platformNames) {
                try {
                    list.add(Platform.parse(p));
                } catch (IllegalArgumentException e) {
                    throw s.bad("platforms", "bad platform '" + p + "': " + e.getMessage());
                }
            }
            platforms = new PlatformSelection(list, false);
        }
        BuildOptions options;
        try {
            options = BuildOptions.DEFAULT
                    .withMinLayerSize(s.size("minLayerSize", BuildOptions.DEFAULT_MIN_LAYER_SIZE_BYTES))
                    .withSpanSize(s.size("spanSize", BuildOptions.DEFAULT_SPAN_SIZE_BYTES))
                    .withParallelLayers(s.integer("parallelLayers", BuildOptions.DEFAULT_PARALLEL_LAYERS));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(s.key("minLayerSize/spanSize/parallelLayers"), e.getMessage());
        }
        String store = s.string("storeRoot", null);
        Path storeRoot = store == null ? queue.dir().resolve("store") : baseDir.resolve(store);
        return new Build(mode, inPlace, platforms, options, storeRoot);
    }

    private static Map<String, Registry> registries(Section s) throws InvalidConfigException {
        Map<String, Registry> out = new LinkedHashMap<>();
        for (String host : s.keys()) {
            Section r = s.section(host);
            r.only("address", "plainHttp", "insecure");
            boolean plain = r.bool("plainHttp", false);
            boolean insecure = r.bool("insecure", false);
            if (plain && insecure) throw r.bad("insecure", "plainHttp and insecure exclude each other (insecure is about TLS)");
            out.put(host, new Registry(r.string("address", host), plain, insecure));
        }
        return out;
    }

    private static Queue queue(Section s, Path baseDir) throws InvalidConfigException {
        s.only("kind", "dir", "workers", "maxAttempts", "backoffBase", "backoffMax", "lease", "postgres");
        QueueKind kind = s.enumValue("kind", QueueKind.class, QueueKind.EMBEDDED);
        Path dir = baseDir.resolve(s.string("dir", "soci-builder-data"));
        int workers = s.integer("workers", Queue.DEFAULT_WORKERS);
        if (workers < 1 || workers > 256) throw s.bad("workers", "must be 1..256, got " + workers);
        int attempts = s.integer("maxAttempts", Queue.DEFAULT_MAX_ATTEMPTS);
        if (attempts < 1) throw s.bad("maxAttempts", "must be >= 1, got " + attempts);
        Duration base = s.duration("backoffBase", Queue.DEFAULT_BACKOFF_BASE);
        Duration max = s.duration("backoffMax", Queue.DEFAULT_BACKOFF_MAX);
        if (max.compareTo(base) < 0) throw s.bad("backoffMax", "must be >= backoffBase (" + base + "), got " + max);
        Duration lease = s.duration("lease", Queue.DEFAULT_LEASE);
        if (lease.toMillis() < 1000) throw s.bad("lease", "must be at least 1s, got " + lease);
        Section pg = s.section("postgres");
        Postgres postgres = null;
        if (kind == QueueKind.POSTGRES) {
            pg.only("url", "user", "password", "passwordFile", "instanceId");
            String url = pg.string("url", null);
            if (url == null || !url.startsWith("jdbc:postgresql:")) throw pg.bad("url", "required for kind postgres, jdbc:postgresql://HOST[:PORT]/DB");
            String password = pg.string("password", null);
            String passwordFile = pg.string("passwordFile", null);
            if (passwordFile != null) {
                try {
                    password = Files.readString(baseDir.resolve(passwordFile)).strip();
                } catch (IOException e) {
                    throw pg.bad("passwordFile", "cannot read: " + e.getMessage());
                }
            }
            String instance = pg.string("instanceId", defaultInstanceId());
            postgres = new Postgres(url, pg.string("user", null), password, instance);
        } else if (!pg.keys().isEmpty()) {
            throw s.bad("postgres", "only for kind postgres");
        }
        return new Queue(kind, dir, workers, attempts, base, max, lease, postgres);
    }

    /** host:pid: unique among live instances, readable in the jobs table. */
    static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** One mapping of the tree, with its dotted key for messages. */
    private record Section(String prefix, JsonNode node) {
        Section {
            if (node == null || node.isNull()) node = MissingNode.getInstance();
        }

        String key(String name) {
            return prefix.isEmpty() ? name : prefix + "." + name;
        }

        InvalidConfigException bad(String name, String problem) {
            return new InvalidConfigException(key(name), problem);
        }

        List<String> keys() {
            List<String> out = new ArrayList<>();
            if (node instanceof ObjectNode o) o.fieldNames().forEachRemaining(out::add);
            return out;
        }

        void only(String... allowed) throws InvalidConfigException {
            if (node.isMissingNode()) return;
            if (!(node instanceof ObjectNode)) throw new InvalidConfigException(prefix.isEmpty() ? "(top)" : prefix, "expected a mapping");
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!ok.contains(k)) throw bad(k, "unknown key (known: " + String.join(", ", allowed) + ")");
            }
        }

        Section section(String name) throws InvalidConfigException {
            JsonNode child = node.get(name);
            if (child != null && !child.isNull() && !child.isObject()) throw bad(name, "expected a mapping");
            return new Section(key(name), child);
        }

        String string(String name, String dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            if (!v.isValueNode()) throw bad(name, "expected a string");
            return v.asText();
        }

        boolean bool(String name, boolean dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            if (v.isBoolean()) return v.booleanValue();
            if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) return Boolean.parseBoolean(v.asText());
            throw bad(name, "expected true or false, got " + v);
        }

        int integer(String name, int dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            if (v.canConvertToInt() && v.isIntegralNumber()) return v.intValue();
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                throw bad(name, "expected an integer, got " + v);
            }
        }

        long size(String name, long dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            if (v.isIntegralNumber()) {
                if (v.longValue() < 0) throw bad(name, "must be >= 0, got " + v);
                return v.longValue();
            }
            Matcher m = SIZE.matcher(v.asText().trim());
            if (!m.matches()) throw bad(name, "expected bytes (1048576) or a size (512KiB, 10MiB, 1GiB), got '" + v.asText() + "'");
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2);
            return switch (unit) {
                case "KiB" -> n << 10;
                case "MiB" -> n << 20;
                case "GiB" -> n << 30;
                default -> n;
            };
        }

        Duration duration(String name, Duration dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            String text = v.asText().trim();
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw bad(name, "expected a duration (500ms, 2s, 5m, 1h or ISO PT2S), got '" + text + "'");
            }
        }

        <E extends Enum<E>> E enumValue(String name, Class<E> type, E dflt) throws InvalidConfigException {
            String text = string(name, null);
            if (text == null) return dflt;
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> names = new ArrayList<>();
                for (E c : type.getEnumConstants()) names.add(c.name().toLowerCase(Locale.ROOT));
                throw bad(name, "expected one of " + names + ", got '" + text + "'");
            }
        }

        List<String> strings(String name, List<String> dflt) throws InvalidConfigException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return dflt;
            if (v.isTextual()) return List.of(v.asText());
            if (!v.isArray()) throw bad(name, "expected a list of strings");
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isValueNode()) throw bad(name, "expected a list of strings");
                out.add(e.asText());
            }
            return out;
        }
    }
}
