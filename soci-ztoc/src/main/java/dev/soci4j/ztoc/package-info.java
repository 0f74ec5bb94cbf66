/**
 * The zTOC engine's API ({@code soci-format.md §1-3}).
 *
 * <ul>
 *   <li>{@link dev.soci4j.ztoc.ZtocBuilder} builds a layer's {@link dev.soci4j.ztoc.Ztoc} in one streaming
 *       pass (gzip or uncompressed tar, see {@link dev.soci4j.ztoc.LayerFormat});</li>
 *   <li>{@link dev.soci4j.ztoc.ZtocCodec} writes and reads the FlatBuffers form, byte-identical to the
 *       reference, and validates what it reads ({@link dev.soci4j.ztoc.ZtocValidator});</li>
 *   <li>{@link dev.soci4j.ztoc.LayerReader} reads any file or range through a zTOC from a
 *       {@link dev.soci4j.ztoc.RangeSource}, touching only the spans needed and verifying each;</li>
 *   <li>{@link dev.soci4j.ztoc.SpanTable} says where each span lies; {@link dev.soci4j.ztoc.TocPaths}
 *       makes stored names safe for lookups.</li>
 * </ul>
 *
 * Failures from outside are checked {@link java.io.IOException}s: {@link dev.soci4j.ztoc.InvalidLayerException},
 * {@link dev.soci4j.ztoc.UnsupportedLayerException}, {@link dev.soci4j.ztoc.InvalidZtocException},
 * {@link dev.soci4j.ztoc.DigestMismatchException}. The subpackages are the implementation: {@code tar}
 * (streaming tar scan), {@code zran} (gzip checkpoints and span inflation), {@code zlib} (the system zlib
 * through the FFM API, the only package that touches native memory) and {@code fbs} (FlatBuffers).
 */
package dev.soci4j.ztoc;
