/**
 * The durable queue between intake and builds, and the workers: {@link dev.soci4j.builder.queue.JournalQueue}
 * (embedded, fsynced journal) and {@link dev.soci4j.builder.queue.PostgresQueue} (shared, {@code FOR UPDATE SKIP LOCKED}
 * with leases), retried with jittered backoff, dead-lettered with the reason.
 */
package dev.soci4j.builder.queue;
