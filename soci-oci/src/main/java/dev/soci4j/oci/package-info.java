/**
 * soci-oci API: OCI plumbing for soci4j.
 *
 * <ul>
 *   <li>Values (records, immutable, validated): {@link dev.soci4j.oci.Digest} ({@code sha256:<hex>}, always over raw
 *       bytes), {@link dev.soci4j.oci.Descriptor}, {@link dev.soci4j.oci.ImageReference} (Docker normalization),
 *       {@link dev.soci4j.oci.Platform} (with matching); media types in {@link dev.soci4j.oci.MediaTypes}.</li>
 *   <li>{@link dev.soci4j.oci.RegistryClient}: the registry facade (manifests, blobs, Range reads, uploads, mounts,
 *       tags, referrers with the fallback tag, deletes). Thread-safe. {@code openBlob} streams a blob verified as
 *       a {@link dev.soci4j.oci.VerifyingChannel} is (hashed on the client's CPU pool): -1 only after size and
 *       digest checked out.</li>
 *   <li>Failures are checked {@link java.io.IOException}s: {@link dev.soci4j.oci.RegistryException} (status and the
 *       endpoint's description), {@link dev.soci4j.oci.RegistryUnauthorizedException},
 *       {@link dev.soci4j.oci.ManifestNotFoundException}, {@link dev.soci4j.oci.BlobNotFoundException},
 *       {@link dev.soci4j.oci.RangeNotSatisfiableException}, {@link dev.soci4j.oci.DigestMismatchException}.</li>
 * </ul>
 *
 * <p>Sub-packages: {@code manifest} (manifest and index models, raw bytes kept), {@code auth} (credentials, docker
 * config and helpers, token auth), {@code layout} (OCI layout directory and tar, copy between stores). {@code registry}
 * (one class per endpoint) and {@code http} (the ordered request steps) are implementation: use the facade.
 */
package dev.soci4j.oci;
