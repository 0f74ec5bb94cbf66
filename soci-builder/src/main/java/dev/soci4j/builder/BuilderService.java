package dev.soci4j.builder;

import dev.soci4j.builder.queue.JobQueue;
import dev.soci4j.builder.queue.JournalQueue;
import dev.soci4j.builder.queue.PostgresQueue;
import dev.soci4j.builder.queue.Workers;
import dev.soci4j.builder.service.BuilderMetrics;
import dev.soci4j.builder.service.EventIntake;
import dev.soci4j.builder.service.SenderAuth;
import dev.soci4j.builder.service.WebhookServer;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.auth.DockerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index builder service ({@code soci builder serve}): the webhook server feeding the durable queue,
 * and the workers building from it. Start with {@link #start}; {@link #close} stops intake first, then
 * the workers (running builds are interrupted and their jobs come back), then the queue.
 */
public final class BuilderService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BuilderService.class);

    private final JobQueue queue;
    private final BuilderMetrics metrics;
    private final ImageIndexer indexer;
    private final Workers workers;
    private final WebhookServer server;
    private final CountDownLatch closed = new CountDownLatch(1);

    private BuilderService(BuilderConfig config, CredentialSource credentials, boolean startWorkers) throws IOException {
        queue = openQueue(config);
        metrics = new BuilderMetrics();
        metrics.queueDepth(() -> {
            try {
                return queue.depth();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            indexer = new ImageIndexer(config, credentials);
            BuilderConfig.Queue q = config.queue();
            workers = new Workers(queue, indexer::index, q.workers(), q.maxAttempts(), q.lease(),
                    Workers.backoff(q.backoffBase(), q.backoffMax(), RandomGenerator.getDefault()), metrics);
            // bind the port before any worker starts, so a failed bind leaves nothing running
            server = new WebhookServer(config.server(), new SenderAuth(config.auth()), new EventIntake(config, queue, metrics), metrics,
                    () -> (!startWorkers || workers.alive()) && queueReachable());
            if (startWorkers) workers.start();
        } catch (IOException | RuntimeException e) {
            queue.close();
            throw e;
        }
        log.atInfo().addKeyValue("port", server.port()).addKeyValue("queue", config.queue().kind()).addKeyValue("workers", config.queue().workers())
                .addKeyValue("mode", config.build().mode()).log("index builder started");
    }

    /** Starts intake and workers, with registry credentials from the docker config. */
    public static BuilderService start(BuilderConfig config) throws IOException {
        return new BuilderService(config, DockerConfig.load(), true);
    }

    /**
     * Starts with these credentials; {@code workers} false runs intake only (events are queued, nothing
     * is built: what a crash right after accepting them leaves behind).
     */
    public static BuilderService start(BuilderConfig config, CredentialSource credentials, boolean workers) throws IOException {
        return new BuilderService(config, credentials, workers);
    }

    private static JobQueue openQueue(BuilderConfig config) throws IOException {
        BuilderConfig.Queue q = config.queue();
        return switch (q.kind()) {
            case EMBEDDED -> JournalQueue.open(q.dir());
            case POSTGRES -> PostgresQueue.open(q.postgres().url(), q.postgres().user(), q.postgres().password(),
                    q.postgres().instanceId(), q.workers() + 2);
        };
    }

    private boolean queueReachable() {
        try {
            queue.depth();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return server.port();
    }

    public BuilderMetrics metrics() {
        return metrics;
    }

    public JobQueue queue() {
        return queue;
    }

    /** Blocks until {@link #close} (the CLI's main thread waits here; a shutdown hook closes). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (closed.getCount() == 0) return;
        try {
            server.close();
            workers.close();
            indexer.close();
            queue.close();
        } finally {
            closed.countDown();
            log.atInfo().log("index builder stopped");
        }
    }

    /** {@code java -cp ... dev.soci4j.builder.BuilderService CONFIG}: the service without the CLI (scale-out tests, containers). */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BuilderService CONFIG.yml");
            System.exit(2);
        }
        BuilderService service = start(BuilderConfig.load(Path.of(args[0])));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                log.atWarn().setCause(e).log("error while stopping");
            }
        }));
        service.awaitClose();
    }
}
