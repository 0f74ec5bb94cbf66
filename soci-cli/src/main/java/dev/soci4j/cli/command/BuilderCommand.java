package dev.soci4j.cli.command;

import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.BuilderService;
import dev.soci4j.builder.InvalidConfigException;
import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soci builder}: the index builder service (issue 5). */
@Command(name = "builder",
        mixinStandardHelpOptions = true,
        description = "The SOCI index builder: builds indexes automatically when images are pushed.",
        subcommands = {BuilderCommand.Serve.class})
public final class BuilderCommand {

    /** {@code soci builder serve --config FILE}: runs until SIGTERM/SIGINT. */
    @Command(name = "serve",
            mixinStandardHelpOptions = true,
            description = {"Run the index builder service: receive registry notifications (CNCF distribution, Harbor, "
                    + "EventBridge ECR events), queue them durably, build SOCI indexes for pushes matching the filters.",
                    "Endpoints: POST <server.path> (default /events), GET /healthz, /readyz, /metrics.",
                    "Registry credentials come from the docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json).",
                    "",
                    "Config keys and defaults (unknown keys and bad values are rejected by key):",
                    "  server.listen=" + BuilderConfig.Server.DEFAULT_LISTEN + ", server.path=" + BuilderConfig.Server.DEFAULT_PATH
                            + ", server.maxBodyBytes=" + BuilderConfig.Server.DEFAULT_MAX_BODY_BYTES,
                    "  auth.mode=secret|hmac, auth.header=" + BuilderConfig.Auth.DEFAULT_SECRET_HEADER + " (hmac: "
                            + BuilderConfig.Auth.DEFAULT_HMAC_HEADER + ", sha256=<hex>), auth.secret or auth.secretFile (required)",
                    "  filters.include=[*:*], filters.tagSuffix=-soci",
                    "  build.mode=v2|v1 (v2), build.inPlace=false, build.platforms=all, build.minLayerSize=10MiB, build.spanSize=4MiB",
                    "  registries.<host>={address, plainHttp, insecure}",
                    "  queue.kind=embedded|postgres, queue.dir=soci-builder-data, queue.workers=" + BuilderConfig.Queue.DEFAULT_WORKERS
                            + ", queue.maxAttempts=" + BuilderConfig.Queue.DEFAULT_MAX_ATTEMPTS + ", queue.backoffBase=2s, queue.backoffMax=5m, queue.lease=30s",
                    "  queue.postgres={url: jdbc:postgresql://HOST/DB, user, password|passwordFile, instanceId}"},
            footerHeading = "%n",
            footer = {"Example config (YAML or JSON):",
                    "  server:  {listen: \"0.0.0.0:8080\"}",
                    "  auth:    {mode: secret, header: X-Soci-Builder-Secret, secretFile: secret.txt}",
                    "  filters: {include: [\"app/*:v*\", \"library/nginx:*\"], tagSuffix: -soci}",
                    "  build:   {mode: v2, minLayerSize: 10MiB, platforms: [linux/amd64, linux/arm64]}",
                    "  queue:   {kind: embedded, dir: /var/lib/soci-builder, workers: 2}"})
    public static final class Serve implements Callable<Integer> {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The builder config file (YAML or JSON).")
        Path config;

        @Override
        public Integer call() throws Exception {
            BuilderConfig parsed;
            try {
                parsed = BuilderConfig.load(config);
            } catch (InvalidConfigException e) {
                throw new UserError(ExitCode.INVALID_INPUT, "config " + config + ": " + e.getMessage());
            } catch (NoSuchFileException e) {
                throw new UserError(ExitCode.NOT_FOUND, "no such config file: " + config);
            }
            BuilderService service = BuilderService.start(parsed);
            Thread hook = new Thread(() -> {
                try {
                    service.close();
                } catch (Exception e) {
                    // stopping anyway; the service logged it
                }
            }, "soci-builder-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            service.awaitClose();
            return ExitCode.OK.code();
        }
    }
}
