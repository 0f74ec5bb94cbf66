package dev.soci4j.builder.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

/** GetAuthorizationToken through the real SDK against an in-process fake ECR endpoint (ECR cannot run here). */
class EcrCredentialsTest {
    static final String HOST = "123456789012.dkr.ecr.us-west-2.amazonaws.com";

    @Test
    void fetchesDecodesAndCachesTheToken() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> target = new AtomicReference<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        long expires = Instant.parse("2030-01-01T12:00:00Z").getEpochSecond();
        fake.createContext("/", exchange -> {
            calls.incrementAndGet();
            target.set(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            exchange.getRequestBody().readAllBytes();
            String token = Base64.getEncoder().encodeToString("AWS:secret-password".getBytes(StandardCharsets.UTF_8));
            byte[] body = ("{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\",\"expiresAt\":" + expires
                    + ",\"proxyEndpoint\":\"https://" + HOST + "\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        try (EcrClient ecr = EcrClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + fake.getAddress().getPort()))
                .region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "test-secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
            EcrCredentials credentials = new EcrCredentials(ecr, CredentialSource.ANONYMOUS, clock);
            Credential c = credentials.credentialFor(HOST);
            assertThat(c).isEqualTo(new Credential.UsernamePassword("AWS", "secret-password"));
            assertThat(target.get()).isEqualTo("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
            assertThat(credentials.credentialFor(HOST)).isEqualTo(c);
            assertThat(calls.get()).as("cached until 15 min before expiry").isEqualTo(1);
            assertThat(credentials.credentialFor("127.0.0.1:5000")).isEqualTo(Credential.ANONYMOUS);
            assertThat(calls.get()).isEqualTo(1);

            EcrCredentials late = new EcrCredentials(ecr, null, Clock.fixed(Instant.parse("2030-01-01T11:50:00Z"), ZoneOffset.UTC));
            late.credentialFor(HOST);
            late.credentialFor(HOST);
            assertThat(calls.get()).as("inside the refresh margin every call refetches").isEqualTo(3);
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void ecrFailureIsAnIOException() {
        try (EcrClient ecr = EcrClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "test-secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(b -> b.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD).apiCallTimeout(java.time.Duration.ofSeconds(5)))
                .build()) {
            assertThatThrownBy(() -> new EcrCredentials(ecr, null, Clock.systemUTC()).credentialFor(HOST))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("GetAuthorizationToken");
        }
    }
}
