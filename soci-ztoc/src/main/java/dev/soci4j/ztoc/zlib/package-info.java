/**
 * A small binding to the system zlib through the FFM API: just enough of inflate for the zran
 * checkpoint engine ({@code soci-format.md §2}). This is the only package that imports
 * {@code java.lang.foreign}; callers see direct {@link java.nio.ByteBuffer}s and {@link ZlibInflater}.
 *
 * <p>The library is loaded once, by absolute path ({@value ZlibLibrary#DEFAULT_PATH_TEXT}), or from
 * {@code -D}{@value ZlibLibrary#PATH_PROPERTY}. The JVM needs {@code --enable-native-access=ALL-UNNAMED}.
 */
package dev.soci4j.ztoc.zlib;
