package dev.soci4j.ztoc.zlib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads zlib once and holds one downcall handle per function used. The handles are {@code null} when
 * loading failed; {@link #requireLoaded()} turns that into the one-line {@link ZlibUnavailableException}.
 */
@SuppressWarnings("restricted") // this package is where native access is meant to happen
final class ZlibLibrary {
    static final String PATH_PROPERTY = "soci4j.zlib.path";
    static final String DEFAULT_PATH_TEXT = "/lib/x86_64-linux-gnu/libz.so.1";
    static final Path DEFAULT_PATH = Path.of(DEFAULT_PATH_TEXT);

    private static final Logger log = LoggerFactory.getLogger(ZlibLibrary.class);
    private static final Linker LINKER = Linker.nativeLinker();

    private static final SymbolLookup LIBRARY;
    private static final ZlibUnavailableException FAILURE;

    static {
        Path path = configuredPath();
        SymbolLookup lookup = null;
        ZlibUnavailableException failure = null;
        try {
            lookup = open(path);
        } catch (ZlibUnavailableException e) {
            failure = e;
        }
        LIBRARY = lookup;
        FAILURE = failure;
    }

    /** {@code const char *zlibVersion(void)} */
    static final MethodHandle ZLIB_VERSION = downcall("zlibVersion", FunctionDescriptor.of(ADDRESS));
    /** {@code int inflateInit2_(z_streamp strm, int windowBits, const char *version, int stream_size)} */
    static final MethodHandle INFLATE_INIT2 = downcall("inflateInit2_",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int inflate(z_streamp strm, int flush)} */
    static final MethodHandle INFLATE = downcall("inflate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int inflateEnd(z_streamp strm)} */
    static final MethodHandle INFLATE_END = downcall("inflateEnd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code int inflateReset(z_streamp strm)} */
    static final MethodHandle INFLATE_RESET = downcall("inflateReset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code int inflatePrime(z_streamp strm, int bits, int value)} */
    static final MethodHandle INFLATE_PRIME = downcall("inflatePrime",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** {@code int inflateSetDictionary(z_streamp strm, const Bytef *dictionary, uInt dictLength)} */
    static final MethodHandle INFLATE_SET_DICTIONARY = downcall("inflateSetDictionary",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    /** The version string zlib reports, also handed to {@code inflateInit2_} as zlib's own version check. */
    static final MemorySegment VERSION = LIBRARY == null ? null : version();

    static {
        if (LIBRARY != null) {
            log.atInfo().addKeyValue("path", configuredPath()).addKeyValue("version", versionText())
                    .log("loaded zlib");
        }
    }

    private ZlibLibrary() {
    }

    /** The library path: {@code -Dsoci4j.zlib.path} if set, else the Debian/Ubuntu x86_64 location. */
    static Path configuredPath() {
        String override = System.getProperty(PATH_PROPERTY);
        return override == null || override.isBlank() ? DEFAULT_PATH : Path.of(override.trim());
    }

    /** Opens the library at {@code path} for the life of the JVM; a missing library is a one-line error. */
    static SymbolLookup open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ZlibUnavailableException(
                    "zlib not found at %s (set -D%s=<absolute path of libz.so.1>)".formatted(path, PATH_PROPERTY),
                    null);
        }
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new ZlibUnavailableException("zlib at %s could not be loaded: %s (set -D%s=<absolute path of libz.so.1>)"
                    .formatted(path, String.valueOf(e.getMessage()).replace('\n', ' '), PATH_PROPERTY), e);
        }
    }

    static void requireLoaded() {
        if (FAILURE != null) throw new ZlibUnavailableException(FAILURE.getMessage(), FAILURE);
    }

    static String versionText() {
        requireLoaded();
        return VERSION.getString(0);
    }

    private static MethodHandle downcall(String symbol, FunctionDescriptor descriptor) {
        if (LIBRARY == null) return null;
        MemorySegment address = LIBRARY.find(symbol).orElseThrow(() -> new ZlibUnavailableException(
                "zlib at %s does not export %s (set -D%s=<absolute path of libz.so.1>)"
                        .formatted(configuredPath(), symbol, PATH_PROPERTY), null));
        return LINKER.downcallHandle(address, descriptor);
    }

    private static MemorySegment version() {
        try {
            // a static C string; 64 bytes is ample for "1.3.1" and the like
            return ((MemorySegment) ZLIB_VERSION.invokeExact()).reinterpret(64);
        } catch (Throwable t) {
            throw new IllegalStateException("zlibVersion() failed", t);
        }
    }
}
