package dev.soci4j.oci.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci4j.oci.RegistryUnauthorizedException;
import dev.soci4j.oci.http.Authenticator;
import dev.soci4j.oci.http.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication against one registry (distribution-spec auth, docker token spec): anonymous, Basic,
 * or Bearer tokens fetched from the challenge's realm with the request's scope, cached per scope and
 * renewed when they near expiry. Once a registry has shown a Bearer challenge, tokens for new scopes
 * are fetched before the request, saving a 401 round trip. Thread-safe.
 */
public final class RegistryAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(RegistryAuthenticator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "soci4j";
    private static final int MAX_TOKEN_RESPONSE = 1 << 20;

    private final String registry;
    private final String authority;
    private final CredentialSource credentials;
    /** Built on the first token request: most pulls from a plain-HTTP or anonymous registry never need it, and a java.net.http client with its default TLS context costs ~0.1 s of start-up. */
    private final java.util.function.Supplier<HttpClient> tokenClient;
    private final Clock clock;
    private final Map<String, BearerToken> tokens = new ConcurrentHashMap<>();
    private volatile AuthChallenge bearer;
    private volatile boolean basic;
    private volatile Credential credential;

    /**
     * @param registry    the registry as named in references ({@code host[:port]}), for credential lookup
     * @param registryUri the API base (scheme, host, port) whose requests get credentials
     */
    public RegistryAuthenticator(String registry, URI registryUri, CredentialSource credentials, java.util.function.Supplier<HttpClient> tokenClient, Clock clock) {
        this.registry = registry;
        this.authority = Request.authority(registryUri);
        this.credentials = credentials;
        this.tokenClient = tokenClient;
        this.clock = clock;
    }

    @Override
    public boolean appliesTo(URI uri) {
        return Request.authority(uri).equals(authority);
    }

    @Override
    public Optional<String> authorizationFor(URI uri, String scope) throws IOException {
        AuthChallenge challenge = bearer;
        if (challenge != null) {
            BearerToken token = tokens.get(key(scope));
            if (token == null || !token.isFreshAt(clock.instant())) token = fetchToken(challenge, scope);
            return Optional.of("Bearer " + token.token());
        }
        if (basic) return basicHeader();
        return Optional.empty();
    }

    @Override
    public Optional<String> respondTo(URI uri, String scope, List<String> headers) throws IOException {
        List<AuthChallenge> challenges = new ArrayList<>();
        headers.forEach(h -> challenges.addAll(AuthChallenge.parse(h)));
        for (AuthChallenge c : challenges) {
            if (c.scheme().equals("bearer") && c.param("realm").isPresent()) {
                bearer = c;
                String wanted = scope != null ? scope : c.param("scope").orElse(null);
                return Optional.of("Bearer " + fetchToken(c, wanted).token());
            }
        }
        for (AuthChallenge c : challenges) {
            if (c.scheme().equals("basic")) {
                basic = true;
                return basicHeader();
            }
        }
        return Optional.empty();
    }

    /** Drops cached tokens (e.g. after the registry refused one). */
    public void forgetTokens() {
        tokens.clear();
    }

    private String key(String scope) {
        return scope == null ? "" : scope;
    }

    private Credential credential() throws IOException {
        Credential c = credential;
        if (c == null) credential = c = credentials.credentialFor(registry);
        return c;
    }

    private Optional<String> basicHeader() throws IOException {
        if (!(credential() instanceof Credential.UsernamePassword(String user, String password))) return Optional.empty();
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private BearerToken fetchToken(AuthChallenge challenge, String scope) throws IOException {
        String realm = challenge.param("realm").orElseThrow();
        String service = challenge.param("service").orElse(null);
        Credential cred = credential();
        StringBuilder query = new StringBuilder();
        if (service != null) append(query, "service", service);
        if (scope != null) for (String s : scope.split(" ")) if (!s.isBlank()) append(query, "scope", s);
        HttpRequest.Builder builder;
        if (cred instanceof Credential.IdentityToken(String refresh)) {
            // OAuth2 refresh-token grant (docker token spec "oauth.md")
            StringBuilder form = new StringBuilder(query);
            append(form, "grant_type", "refresh_token");
            append(form, "refresh_token", refresh);
            append(form, "client_id", CLIENT_ID);
            builder = HttpRequest.newBuilder(URI.create(realm))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        } else {
            URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            builder = HttpRequest.newBuilder(uri).GET();
            if (cred instanceof Credential.UsernamePassword(String user, String password))
                builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        String action = "get token for %s scope '%s' from %s".formatted(registry, scope, URI.create(realm).getHost());
        Instant obtainedAt = clock.instant();
        HttpResponse<InputStream> response;
        try {
            response = tokenClient.get().send(builder.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(action + " interrupted");
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_TOKEN_RESPONSE);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403)
            throw new RegistryUnauthorizedException(action, response.statusCode(),
                    cred instanceof Credential.Anonymous ? "no credentials for " + registry : "credentials refused");
        if (response.statusCode() != 200)
            throw new dev.soci4j.oci.RegistryException(action, response.statusCode(), new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8));
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new dev.soci4j.oci.RegistryException(action, 200, "token response is not JSON");
        }
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) throw new dev.soci4j.oci.RegistryException(action, 200, "token response has no token");
        long expiresIn = json.path("expires_in").asLong(0);
        Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : BearerToken.DEFAULT_LIFETIME;
        BearerToken bearerToken = BearerToken.issued(token, obtainedAt, lifetime);
        tokens.put(key(scope), bearerToken);
        log.atDebug().addKeyValue("registry", registry).addKeyValue("scope", scope)
                .addKeyValue("lifetimeSeconds", lifetime.toSeconds()).log("obtained registry token");
        return bearerToken;
    }

    private static void append(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) query.append('&');
        query.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
