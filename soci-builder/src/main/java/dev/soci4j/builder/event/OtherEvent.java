package dev.soci4j.builder.event;

/**
 * Anything that cannot start a build: blob pushes, pulls, deletes, untagged manifest pushes, failed
 * ECR actions. Counted and dropped. Immutable.
 *
 * @param source sender format
 * @param what   a short description for logs and the {@code reason} metric label ({@code pull}, {@code blob push}, {@code untagged push} ...)
 */
public record OtherEvent(String source, String what) implements RegistryEvent {}
