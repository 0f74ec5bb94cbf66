/**
 * Not API (use {@link dev.soci4j.oci.RegistryClient}): one package-private class per registry endpoint, as in
 * jib: {@code ApiChecker}, {@code ManifestPuller}, {@code ManifestChecker}, {@code ManifestPusher},
 * {@code ManifestDeleter}, {@code BlobChecker}, {@code BlobStreamer} (+ {@code BlobDownload}, resume and verify),
 * {@code BlobChannel} (a blob as a resuming stream) under {@code HashedBlobChannel} (verified, hashed off the
 * reading thread), {@code BlobHasher} (sha256 on the CPU pool while bytes arrive; its direct buffers reused through
 * {@code DirectBuffers}),
 * {@code BlobRangeReader}, {@code UploadStarter} (and mounts), {@code UploadChunk}, {@code UploadCommitter},
 * {@code TagLister}, {@code ReferrersLister}. Each describes itself; {@link dev.soci4j.oci.registry.RegistryHost}
 * runs them and turns failures into typed exceptions carrying that description.
 */
package dev.soci4j.oci.registry;
