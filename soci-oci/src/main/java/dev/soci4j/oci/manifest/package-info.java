/** Manifest and index models (Jackson records) and {@link dev.soci4j.oci.manifest.RawManifest}, which keeps the bytes digests are computed over. */
package dev.soci4j.oci.manifest;
