/**
 * zran gzip checkpoints ({@code soci-format.md §2}): {@link dev.soci4j.ztoc.zran.GzipIndexer} builds
 * them, with the span digests, in one streaming pass over a layer;
 * {@link dev.soci4j.ztoc.zran.GzipCheckpoints} is the checkpoint blob of a zTOC;
 * {@link dev.soci4j.ztoc.zran.SpanInflater} decompresses part of one span from its checkpoint.
 */
package dev.soci4j.ztoc.zran;
