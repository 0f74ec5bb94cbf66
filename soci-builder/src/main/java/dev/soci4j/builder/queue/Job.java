package dev.soci4j.builder.queue;

import dev.soci4j.builder.BuildTarget;

/**
 * A claimed job. Immutable.
 *
 * @param id      the queue's id for it
 * @param key     the deduplication key ({@link BuildTarget#key})
 * @param attempt which attempt this claim is, from 1 (a claim that died with its instance counts)
 */
public record Job(long id, String key, BuildTarget target, int attempt) {}
