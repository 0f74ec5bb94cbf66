package dev.soci4j.builder.event;

/**
 * One event out of a registry's notification, as the builder sees it. A closed set: a switch over it
 * has no {@code default}, so a new kind fails the build wherever it is unhandled.
 */
public sealed interface RegistryEvent permits ManifestPushed, OtherEvent {
    /** Which sender format it came from ({@code distribution}, {@code harbor}, {@code ecr}). */
    String source();
}
