package dev.soci4j.oci.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code docker-credential-<name> get} (docker-credential-helpers protocol: server URL on stdin,
 * {@code {"ServerURL","Username","Secret"}} on stdout; user {@code <token>} means an identity token).
 * A helper saying "credentials not found" means anonymous.
 */
public final class CredentialHelper {
    /** A helper that talks to a keychain may prompt; past this it is considered hung. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path directory;

    /**
     * @param name      the suffix after {@code docker-credential-}
     * @param directory where the executable is, or null to search {@code PATH}
     */
    public CredentialHelper(String name, Path directory) {
        if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad credential helper name: " + name);
        this.name = name;
        this.directory = directory;
    }

    public Credential get(String serverUrl) throws IOException {
        String executable = "docker-credential-" + name;
        if (directory != null) executable = directory.resolve(executable).toString();
        Process process;
        try {
            process = new ProcessBuilder(executable, "get").redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IOException("credential helper %s for %s cannot run: %s".formatted(executable, serverUrl, e.getMessage()), e);
        }
        try {
            try (var stdin = process.getOutputStream()) {
                stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("credential helper %s for %s did not finish in %s".formatted(executable, serverUrl, TIMEOUT));
            }
            String stdout = new String(out, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                if ((stdout + err).toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) return Credential.ANONYMOUS;
                // The helper's output is not echoed: some print the secret they were given.
                throw new IOException("credential helper %s for %s exited with %d".formatted(executable, serverUrl, process.exitValue()));
            }
            JsonNode node = JSON.readTree(stdout);
            String user = node.path("Username").asText("");
            String secret = node.path("Secret").asText("");
            if (secret.isEmpty()) return Credential.ANONYMOUS;
            return user.equals("<token>") ? new Credential.IdentityToken(secret) : new Credential.UsernamePassword(user, secret);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted running credential helper " + executable);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("credential helper %s for %s printed no JSON object".formatted(executable, serverUrl));
        }
    }

    /** Whether the helper executable exists (in {@code directory} when given). */
    public boolean exists() {
        return directory == null || Files.isExecutable(directory.resolve("docker-credential-" + name));
    }
}
