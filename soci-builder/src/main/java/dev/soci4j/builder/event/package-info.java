/**
 * Event intake: what registries send when an image is pushed (CNCF distribution notifications,
 * Harbor webhooks, EventBridge ECR events), parsed into the closed {@link dev.soci4j.builder.event.RegistryEvent} set.
 */
package dev.soci4j.builder.event;
