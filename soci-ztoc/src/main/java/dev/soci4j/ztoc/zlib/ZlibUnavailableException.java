package dev.soci4j.ztoc.zlib;

/**
 * The zlib library could not be loaded: a setup problem of this machine, not bad input, hence
 * unchecked. The message is one line naming the path tried and the property that overrides it.
 */
public final class ZlibUnavailableException extends IllegalStateException {
    ZlibUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
