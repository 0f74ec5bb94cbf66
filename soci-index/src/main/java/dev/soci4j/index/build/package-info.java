/** Building one manifest's SOCI index from streamed layers, and publishing blobs before manifests. */
package dev.soci4j.index.build;
