package dev.soci4j.builder.queue;

import dev.soci4j.builder.BuildOutcome;
import dev.soci4j.builder.BuildTarget;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code workers} virtual threads, each claiming a job, building it, and recording the outcome:
 * built or skipped → done; a retryable failure → back in the queue after {@link Backoff}; a permanent
 * one, or the last attempt → dead letter with the reason. One more thread renews the leases of the
 * running jobs every lease/3. The number of workers is the bound on builds at once in this instance.
 *
 * <p>Close to stop: running builds are interrupted; their jobs stay claimed and come back (embedded:
 * on the next open; shared: when the lease expires).
 */
public final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    /** How long an idle worker waits before polling a shared queue again. */
    static final Duration IDLE_POLL = Duration.ofMillis(250);

    /** One build; failures are exceptions, classified by {@link Failure#of}. */
    @FunctionalInterface
    public interface Builder {
        BuildOutcome build(BuildTarget target) throws IOException, InterruptedException;
    }

    private final JobQueue queue;
    private final Builder builder;
    private final int maxAttempts;
    private final Duration lease;
    private final Backoff backoff;
    private final BuildListener listener;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Long, Job> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile boolean started;

    public Workers(JobQueue queue, Builder builder, int workers, int maxAttempts, Duration lease, Backoff backoff, BuildListener listener) {
        this.queue = queue;
        this.builder = builder;
        this.maxAttempts = maxAttempts;
        this.lease = lease;
        this.backoff = backoff;
        this.listener = listener == null ? BuildListener.NONE : listener;
        this.clock = Clock.systemUTC();
        for (int i = 0; i < workers; i++) threads.add(Thread.ofVirtual().name("soci-builder-worker-" + i).unstarted(this::loop));
        threads.add(Thread.ofVirtual().name("soci-builder-heartbeat").unstarted(this::heartbeats));
    }

    /** Seeded jitter for tests and benches; production uses {@link RandomGenerator#getDefault()}. */
    public static Backoff backoff(Duration base, Duration max, RandomGenerator random) {
        return new Backoff(base, max, random);
    }

    public Workers start() {
        started = true;
        threads.forEach(Thread::start);
        return this;
    }

    public boolean alive() {
        return !stopping && threads.stream().allMatch(Thread::isAlive);
    }

    private void loop() {
        while (!stopping) {
            try {
                var job = queue.claim(lease);
                if (job.isEmpty()) {
                    queue.awaitWork(IDLE_POLL);
                    continue;
                }
                run(job.get());
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopping) return;
                log.atError().setCause(e).log("build queue failed; retrying in 1 s");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void run(Job job) throws IOException, InterruptedException {
        var logCtx = log.atInfo().addKeyValue("image", job.target()).addKeyValue("digest", job.target().digest()).addKeyValue("attempt", job.attempt());
        if (job.attempt() > maxAttempts) {
            // claims of instances that died under the job count as attempts: a build that kills its process ends here
            queue.deadLetter(job, "gave up after %d attempts (the last ones ended with their instance)".formatted(maxAttempts));
            listener.failed();
            log.atError().addKeyValue("image", job.target()).addKeyValue("attempts", maxAttempts).log("build dead-lettered");
            return;
        }
        running.put(job.id(), job);
        Instant start = clock.instant();
        try {
            BuildOutcome outcome = builder.build(job.target());
            Duration took = Duration.between(start, clock.instant());
            switch (outcome) {
                case BuildOutcome.Built b -> {
                    if (queue.complete(job, "built " + b.result())) listener.built(took);
                    logCtx.addKeyValue("result", b.result()).addKeyValue("ms", took.toMillis()).log("built SOCI index");
                }
                case BuildOutcome.Skipped s -> {
                    if (queue.complete(job, "skipped: " + s.reason())) listener.skipped(took);
                    logCtx.addKeyValue("reason", s.reason()).log("skipped image");
                }
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (stopping) throw new InterruptedException("stopping");
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (Failure.of(e) == Failure.PERMANENT || job.attempt() >= maxAttempts) {
                queue.deadLetter(job, "after %d attempt(s): %s".formatted(job.attempt(), reason));
                listener.failed();
                log.atError().addKeyValue("image", job.target()).addKeyValue("digest", job.target().digest()).addKeyValue("attempts", job.attempt())
                        .addKeyValue("reason", reason).log("build dead-lettered");
            } else {
                Duration delay = backoff.delayAfter(job.attempt());
                queue.retry(job, reason, clock.instant().plus(delay));
                listener.retried();
                log.atWarn().addKeyValue("image", job.target()).addKeyValue("digest", job.target().digest()).addKeyValue("attempt", job.attempt())
                        .addKeyValue("retryInMs", delay.toMillis()).addKeyValue("reason", reason).log("build failed; will retry");
            }
        } finally {
            running.remove(job.id());
        }
    }

    private void heartbeats() {
        long every = Math.max(100, lease.toMillis() / 3);
        while (!stopping) {
            try {
                Thread.sleep(every);
                for (Job job : running.values()) {
                    if (!queue.heartbeat(job, lease))
                        log.atWarn().addKeyValue("image", job.target()).log("lost the claim on a running build (lease expired); another instance may build it too");
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.atWarn().setCause(e).log("heartbeat failed");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (!started) return;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) t.join(Duration.ofSeconds(10));
    }
}
