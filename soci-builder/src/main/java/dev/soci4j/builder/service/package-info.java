/** The long-running service's HTTP side: webhook intake with sender authentication, health, readiness and metrics. */
package dev.soci4j.builder.service;
