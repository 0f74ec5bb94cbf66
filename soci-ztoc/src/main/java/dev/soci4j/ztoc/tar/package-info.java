/**
 * Tar scanning for zTOC building: {@link dev.soci4j.ztoc.tar.TarScanner} turns an uncompressed tar
 * stream, pushed in chunks by the decompressor, into the zTOC's entries with their exact data offsets,
 * matching the reference's Go {@code archive/tar} reading ({@code soci-format.md §1}).
 */
package dev.soci4j.ztoc.tar;
