package dev.soci4j.builder;

/** What a build did; failures are exceptions (see {@link dev.soci4j.builder.queue.Failure}). */
public sealed interface BuildOutcome {
    /** Indexes pushed: {@code result} names what was written (the converted image, or the v1 indexes). */
    record Built(String result) implements BuildOutcome {}

    /** Nothing to do, never retried: nothing to index, soci4j's own output, tag moved on ... */
    record Skipped(String reason) implements BuildOutcome {}
}
