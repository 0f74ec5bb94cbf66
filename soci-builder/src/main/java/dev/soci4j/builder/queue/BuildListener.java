package dev.soci4j.builder.queue;

import java.time.Duration;

/** What workers report, for metrics. Called from worker threads: implementations are thread-safe and quick. */
public interface BuildListener {
    BuildListener NONE = new BuildListener() {};

    default void built(Duration took) {}

    default void skipped(Duration took) {}

    /** An attempt failed and the job will be tried again. */
    default void retried() {}

    /** The job was given up on. */
    default void failed() {}
}
