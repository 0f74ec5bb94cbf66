/**
 * The zTOC's FlatBuffers wire format ({@code soci-format.md §1, §3}): {@link dev.soci4j.ztoc.fbs.ZtocEncoder}
 * writes the bytes the reference writes for the same {@link dev.soci4j.ztoc.Ztoc}, {@link
 * dev.soci4j.ztoc.fbs.ZtocDecoder} reads untrusted bytes with every offset and length checked, and
 * {@link dev.soci4j.ztoc.fbs.TarZinfo} is the small second buffer uncompressed layers keep as their
 * checkpoints. Callers normally use {@link dev.soci4j.ztoc.ZtocCodec}, which also validates.
 */
package dev.soci4j.ztoc.fbs;
