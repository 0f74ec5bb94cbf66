package dev.soci4j.oci.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Credentials from a Docker {@code config.json}, the way the docker CLI resolves them: a per-registry
 * {@code credHelpers} entry first, then the {@code credsStore}, then {@code auths} ({@code auth} as
 * base64 {@code user:password}, or {@code username}/{@code password}, or {@code identitytoken}).
 * Docker Hub is stored as {@code https://index.docker.io/v1/}. Read once; thread-safe.
 */
public final class DockerConfig implements CredentialSource {
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    /** In a holder: without a config file no mapper is built (about 0.1 s of a cold start). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final Path file;
    /** null when there is no config file. */
    private final JsonNode root;
    private final Path helperDirectory;

    private DockerConfig(Path file, JsonNode root, Path helperDirectory) {
        this.file = file;
        this.root = root;
        this.helperDirectory = helperDirectory;
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}; a missing file means no credentials. */
    public static DockerConfig load() throws IOException {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return load(base.resolve("config.json"), null);
    }

    /** @param helperDirectory where {@code docker-credential-*} live, or null for {@code PATH} */
    public static DockerConfig load(Path configJson, Path helperDirectory) throws IOException {
        if (!Files.exists(configJson)) return new DockerConfig(configJson, null, helperDirectory);
        try {
            return new DockerConfig(configJson, Json.MAPPER.readTree(configJson.toFile()), helperDirectory);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("docker config %s is not valid JSON: %s".formatted(configJson, e.getOriginalMessage()));
        }
    }

    @Override
    public Credential credentialFor(String registry) throws IOException {
        if (root == null) return Credential.ANONYMOUS;   // no config file
        List<String> keys = keysFor(registry);
        JsonNode helpers = root.path("credHelpers");
        for (String key : keys)
            if (helpers.hasNonNull(key)) return new CredentialHelper(helpers.get(key).asText(), helperDirectory).get(serverUrl(registry));
        if (root.hasNonNull("credsStore")) {
            Credential stored = new CredentialHelper(root.get("credsStore").asText(), helperDirectory).get(serverUrl(registry));
            if (!(stored instanceof Credential.Anonymous)) return stored;
        }
        JsonNode auths = root.path("auths");
        for (String key : keys) {
            JsonNode entry = auths.path(key);
            if (entry.isMissingNode() || entry.isNull()) continue;
            if (entry.hasNonNull("identitytoken") && !entry.get("identitytoken").asText().isEmpty())
                return new Credential.IdentityToken(entry.get("identitytoken").asText());
            if (entry.hasNonNull("auth") && !entry.get("auth").asText().isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText().strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IOException("docker config %s: auths.\"%s\".auth is not base64".formatted(file, key));
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) throw new IOException("docker config %s: auths.\"%s\".auth is not user:password".formatted(file, key));
                return new Credential.UsernamePassword(decoded.substring(0, colon), decoded.substring(colon + 1));
            }
            if (entry.hasNonNull("username") && entry.hasNonNull("password"))
                return new Credential.UsernamePassword(entry.get("username").asText(), entry.get("password").asText());
        }
        return Credential.ANONYMOUS;
    }

    private static boolean isDockerHub(String registry) {
        return registry.equals("docker.io") || registry.equals("index.docker.io") || registry.equals("registry-1.docker.io");
    }

    private static String serverUrl(String registry) {
        return isDockerHub(registry) ? DOCKER_HUB_KEY : registry;
    }

    private static List<String> keysFor(String registry) {
        if (isDockerHub(registry))
            return List.of(DOCKER_HUB_KEY, "index.docker.io", "docker.io", "https://index.docker.io", "registry-1.docker.io");
        return List.of(registry, "https://" + registry, "http://" + registry, "https://" + registry + "/", "https://" + registry + "/v1/", "https://" + registry + "/v2/");
    }
}
