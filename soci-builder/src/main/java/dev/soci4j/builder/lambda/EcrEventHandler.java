package dev.soci4j.builder.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.builder.BuildOutcome;
import dev.soci4j.builder.BuildTarget;
import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.ImageIndexer;
import dev.soci4j.builder.event.EcrEvents;
import dev.soci4j.builder.event.MalformedEventException;
import dev.soci4j.builder.event.ManifestPushed;
import dev.soci4j.builder.event.OtherEvent;
import dev.soci4j.builder.event.RegistryEvent;
import dev.soci4j.builder.filter.PushFilter;
import dev.soci4j.builder.queue.Failure;
import dev.soci4j.oci.auth.CredentialSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS deployment (Lambda, Java 25 runtime; {@code aws/template.yaml}): takes one EventBridge
 * "ECR Image Action" event, applies the same filters as the service, and builds with ECR credentials.
 * There is no queue here: EventBridge invokes asynchronously, so a retryable failure is rethrown and
 * Lambda retries it (twice, then the function's dead-letter queue); an image with nothing to index,
 * filtered events and permanent failures return normally with the reason, so they are not retried.
 *
 * <p>Configured by environment (see {@link #configFromEnvironment}); the output is a JSON object
 * {@code {"status": built|skipped|filtered|ignored|failed, "image": ..., "detail": ...}}.
 */
public final class EcrEventHandler implements RequestStreamHandler {
    private static final Logger log = LoggerFactory.getLogger(EcrEventHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PushFilter filter;
    private final ImageIndexer indexer;

    /** The Lambda runtime's constructor: config from the environment, ECR credentials from the function's role. */
    public EcrEventHandler() throws IOException {
        this(configFromEnvironment(System.getenv()), new EcrCredentials(
                software.amazon.awssdk.services.ecr.EcrClient.builder()
                        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build(),
                CredentialSource.ANONYMOUS, java.time.Clock.systemUTC()));
    }

    /** Tests and other hosts: any config and credential source (the loopback registry, a fake ECR). */
    public EcrEventHandler(BuilderConfig config, CredentialSource credentials) throws IOException {
        this.filter = new PushFilter(config.filters().include(), config.filters().loopGuard());
        this.indexer = new ImageIndexer(config, credentials);
    }

    /**
     * The builder config from Lambda environment variables: {@code SOCI_FILTERS} (comma-separated
     * repo:tag globs), {@code SOCI_TAG_SUFFIX}, {@code SOCI_MODE} (v2, v1), {@code SOCI_IN_PLACE},
     * {@code SOCI_MIN_LAYER_SIZE}, {@code SOCI_PLATFORMS} (comma-separated, or all); the store lives in
     * {@code /tmp} (the only writable place). Bad values are rejected by variable name.
     */
    public static BuilderConfig configFromEnvironment(Map<String, String> env) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("auth").put("secret", "unused-by-lambda-handler"); // EventBridge invokes the function: IAM authenticates
        ObjectNode filters = root.putObject("filters");
        ObjectNode build = root.putObject("build");
        root.putObject("queue").put("dir", "/tmp/soci-builder");
        if (env.containsKey("SOCI_FILTERS")) {
            var list = filters.putArray("include");
            for (String p : env.get("SOCI_FILTERS").split(",")) if (!p.isBlank()) list.add(p.trim());
        }
        if (env.containsKey("SOCI_TAG_SUFFIX")) filters.put("tagSuffix", env.get("SOCI_TAG_SUFFIX"));
        if (env.containsKey("SOCI_MODE")) build.put("mode", env.get("SOCI_MODE"));
        if (env.containsKey("SOCI_IN_PLACE")) build.put("inPlace", env.get("SOCI_IN_PLACE"));
        if (env.containsKey("SOCI_MIN_LAYER_SIZE")) build.put("minLayerSize", env.get("SOCI_MIN_LAYER_SIZE"));
        if (env.containsKey("SOCI_PLATFORMS")) {
            var list = build.putArray("platforms");
            for (String p : env.get("SOCI_PLATFORMS").split(",")) if (!p.isBlank()) list.add(p.trim());
        }
        build.put("storeRoot", "/tmp/soci-store");
        try {
            return BuilderConfig.parse(JSON.writeValueAsString(root), java.nio.file.Path.of("/tmp"));
        } catch (dev.soci4j.builder.InvalidConfigException e) {
            throw new IOException("bad environment variable for " + e.key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (IOException e) {
            write(output, "ignored", "", "not JSON: " + e.getMessage());
            return;
        }
        RegistryEvent parsed;
        try {
            parsed = EcrEvents.parse(event);
        } catch (MalformedEventException e) {
            log.atWarn().addKeyValue("reason", e.getMessage()).log("malformed EventBridge event");
            write(output, "ignored", "", e.getMessage());
            return;
        }
        switch (parsed) {
            case OtherEvent other -> write(output, "ignored", "", other.what());
            case ManifestPushed push -> build(push, output);
        }
    }

    private void build(ManifestPushed push, OutputStream output) throws IOException {
        Optional<String> rejection = filter.rejection(push);
        if (rejection.isPresent()) {
            log.atInfo().addKeyValue("image", push.image()).addKeyValue("reason", rejection.get()).log("push filtered out");
            write(output, "filtered", push.image(), rejection.get());
            return;
        }
        BuildTarget target = BuildTarget.of(push);
        try {
            BuildOutcome outcome = indexer.index(target);
            switch (outcome) {
                case BuildOutcome.Built b -> {
                    log.atInfo().addKeyValue("image", target).addKeyValue("digest", target.digest()).addKeyValue("result", b.result()).log("built SOCI index");
                    write(output, "built", push.image(), b.result());
                }
                case BuildOutcome.Skipped s -> {
                    log.atInfo().addKeyValue("image", target).addKeyValue("digest", target.digest()).addKeyValue("reason", s.reason()).log("skipped image");
                    write(output, "skipped", push.image(), s.reason());
                }
            }
        } catch (IOException e) {
            if (Failure.of(e) == Failure.RETRY) throw e; // Lambda's async retries are the backoff
            log.atError().addKeyValue("image", target).addKeyValue("digest", target.digest()).addKeyValue("reason", e.getMessage()).log("build failed");
            write(output, "failed", push.image(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void write(OutputStream output, String status, String image, String detail) throws IOException {
        ObjectNode out = JSON.createObjectNode().put("status", status).put("image", image).put("detail", detail);
        output.write(JSON.writeValueAsBytes(out));
        output.flush();
    }
}
