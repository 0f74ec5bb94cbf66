/** Finding an image's SOCI index: explicit digest, v2 annotation, v1 referrers. */
package dev.soci4j.index.discovery;
