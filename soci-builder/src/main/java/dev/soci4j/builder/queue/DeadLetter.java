package dev.soci4j.builder.queue;

import dev.soci4j.builder.BuildTarget;

/** A job given up on, kept with the reason for a human. Immutable. */
public record DeadLetter(long id, String key, BuildTarget target, int attempts, String reason) {}
