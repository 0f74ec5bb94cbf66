/**
 * Spans of a layer: each fetched once (concurrent readers share the fetch), neighbours coalesced into
 * one Range request, verified against the zTOC digest (re-fetched once, then the read fails: never
 * wrong bytes), decompressed from its checkpoint, kept in a size-limited on-disk cache.
 */
package dev.soci4j.fs.span;
