package dev.soci4j.builder.queue;

import dev.soci4j.builder.BuildTarget;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue between intake and workers. {@link #offer} returns only once the jobs are durable
 * (fsynced journal, committed row): the intake answers 202 after it, so an accepted event is never lost.
 * A key already queued, running or done is not queued again (same digest builds once); a dead-lettered
 * key may be, by a new push. Implementations are thread-safe.
 */
public interface JobQueue extends AutoCloseable {
    /** A job to offer: its target and dedupe key. */
    record Offer(String key, BuildTarget target) {}

    /** Queues what is new; returns how many were (the rest were duplicates). Durable on return. */
    int offer(List<Offer> offers) throws IOException;

    /** Claims the oldest ready job for {@code lease}, or empty. */
    Optional<Job> claim(Duration lease) throws IOException;

    /** Extends a claim; false when it was lost (expired and taken by another instance). */
    boolean heartbeat(Job job, Duration lease) throws IOException;

    /** Marks the job done (built or skipped); false when the claim was lost. */
    boolean complete(Job job, String result) throws IOException;

    /** Gives the job back for another attempt not before {@code notBefore}. */
    void retry(Job job, String error, Instant notBefore) throws IOException;

    /** Gives up on the job, keeping the reason. */
    void deadLetter(Job job, String reason) throws IOException;

    /** Jobs queued or running. */
    long depth() throws IOException;

    List<DeadLetter> deadLetters() throws IOException;

    /** Waits up to {@code max} for work to appear (or just sleeps, for a shared queue). */
    void awaitWork(Duration max) throws InterruptedException;

    @Override
    void close() throws IOException;
}
