/**
 * The SOCI index builder: builds SOCI indexes automatically when images are pushed, for any registry
 * (CNCF distribution notifications, Harbor webhooks) and on AWS (EventBridge ECR events, Lambda).
 *
 * <p>What callers see: {@link dev.soci4j.builder.BuilderConfig} (the config file, defaults and
 * validation), {@link dev.soci4j.builder.BuilderService} (the long-running service: intake, durable queue,
 * workers, /healthz, /readyz, /metrics) and {@link dev.soci4j.builder.ImageIndexer} (one build: v2
 * convert or v1 create and push, with the loop guard). Subpackages: {@code event} (parsers),
 * {@code filter} (repo:tag globs, loop guard), {@code queue} (journal and PostgreSQL queues, workers),
 * {@code service} (HTTP), {@code lambda} (the AWS handler and ECR credentials).
 *
 * <p>Guarantees: an event answered 202 is durable; the same digest (and, in v2, tag) builds once;
 * soci4j's own pushes never trigger a build; failures from the registry are retried with jittered
 * backoff and dead-lettered with the reason after {@code queue.maxAttempts}.
 */
package dev.soci4j.builder;
