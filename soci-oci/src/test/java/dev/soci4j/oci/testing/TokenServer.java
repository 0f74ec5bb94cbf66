package dev.soci4j.oci.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A docker token server for tests: checks Basic credentials, grants every requested action on the
 * requested repositories, and signs RS256 JWTs with a key whose self-signed certificate is the
 * registry's {@code rootcertbundle}. The JWT header carries the certificate in {@code x5c};
 * distribution 2.8 (registry/auth/token/token.go) verifies the chain against the bundle and uses
 * the leaf's key. The key pair comes from the JDK's keytool, so no openssl is needed.
 */
public final class TokenServer implements AutoCloseable {
    public static final String ISSUER = "soci4j-test-issuer";
    public static final String SERVICE = "soci4j-test-registry";

    private final HttpServer server;
    private final PrivateKey key;
    private final X509Certificate cert;
    private final Path certPem;
    private final String user;
    private final String password;
    private final long lifetimeSeconds;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> scopesSeen = java.util.Collections.synchronizedList(new ArrayList<>());

    public TokenServer(Path dir, String user, String password, long lifetimeSeconds) throws Exception {
        this.user = user;
        this.password = password;
        this.lifetimeSeconds = lifetimeSeconds;
        Path keystore = dir.resolve("token.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", "CN=soci4j test token signer", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        key = (PrivateKey) ks.getKey("token", "changeit".toCharArray());
        cert = (X509Certificate) ks.getCertificate("token");
        certPem = dir.resolve("token-cert.pem");
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::handle);
        server.start();
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's {@code auth:} section. */
    public String registryAuthConfig() {
        return """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm(), SERVICE, ISSUER, certPem);
    }

    public int tokensIssued() {
        return issued.get();
    }

    public List<String> scopesSeen() {
        return List.copyOf(scopesSeen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                String[] kv = pair.split("=", 2);
                if (!kv[0].equals("scope") || kv.length < 2) continue;
                String scope = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
                scopesSeen.add(scope);
                String[] parts = scope.split(":");
                if (parts.length == 3)
                    access.add(Map.of("type", parts[0], "name", parts[1], "actions", List.of(parts[2].split(","))));
            }
            long now = Instant.now().getEpochSecond();
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("x5c", List.of(Base64.getEncoder().encodeToString(cert.getEncoded())));
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("iss", ISSUER);
            claims.put("sub", user);
            claims.put("aud", SERVICE);
            claims.put("exp", now + lifetimeSeconds);
            claims.put("nbf", now - 5);
            claims.put("iat", now);
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("access", access);
            ObjectMapper json = new ObjectMapper();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(json.writeValueAsBytes(header)) + "." + b64.encodeToString(json.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + b64.encodeToString(rs256.sign());
            byte[] body = json.writeValueAsBytes(Map.of("token", jwt, "expires_in", lifetimeSeconds, "issued_at", Instant.ofEpochSecond(now).toString()));
            issued.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
