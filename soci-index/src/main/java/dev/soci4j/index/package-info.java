/**
 * soci-index API: SOCI indexes v1 and v2 ({@code soci-format.md §4}).
 *
 * <ul>
 *   <li>Model: {@link dev.soci4j.index.SociIndex} (deterministic manifest JSON), {@link dev.soci4j.index.IndexedLayer}
 *       (one zTOC descriptor), {@link dev.soci4j.index.SociVersion}, {@link dev.soci4j.index.SociAnnotations}.</li>
 *   <li>{@link dev.soci4j.index.SociConverter#convert} ({@code soci convert}, v2): {@link dev.soci4j.index.ConvertRequest}
 *       → {@link dev.soci4j.index.ConvertResult}; sources and destinations are
 *       {@link dev.soci4j.index.ImageLocation}s parsed from CLI text (registry, {@code oci:}, {@code oci-archive:}).</li>
 *   <li>{@link dev.soci4j.index.SociIndexV1}: {@code soci create} and {@code soci push} (v1, subject, referrers or
 *       fallback tag, {@link dev.soci4j.index.ExistingIndexPolicy}).</li>
 *   <li>Options {@link dev.soci4j.index.BuildOptions}, {@link dev.soci4j.index.PlatformSelection}; progress
 *       {@link dev.soci4j.index.BuildProgress}; per-layer {@link dev.soci4j.index.LayerOutcome}.</li>
 *   <li>Failures are checked {@link java.io.IOException}s: {@link dev.soci4j.index.UnsupportedImageException},
 *       {@link dev.soci4j.index.NoIndexableLayerException}, {@link dev.soci4j.index.LayerIndexException},
 *       {@link dev.soci4j.index.IndexNotFoundException}, plus soci-oci's registry exceptions.</li>
 * </ul>
 *
 * Sub-packages: {@code build} (per-manifest index builder, streaming and parallel; blob publishing), {@code discovery}
 * (finding an image's index at run time), {@code store} (the local artifact store: blobs and records, crash-safe).
 */
package dev.soci4j.index;
