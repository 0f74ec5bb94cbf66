/** Which pushes start a build: {@code repository:tag} globs, and the loop guard that ignores soci4j's own output. */
package dev.soci4j.builder.filter;
