package dev.soci4j.ztoc.zlib;

/**
 * The compressed data is corrupt ({@code Z_DATA_ERROR}, or a preset dictionary the format does not
 * allow). The message is zlib's own ({@code invalid distance too far back}, {@code incorrect data
 * check}...); callers add where in the layer it happened.
 */
public final class ZlibDataException extends ZlibException {
    private final String zlibMessage;

    ZlibDataException(String zlibMessage, int returnCode) {
        super("zlib: " + zlibMessage, returnCode);
        this.zlibMessage = zlibMessage;
    }

    /** zlib's {@code msg}, e.g. {@code incorrect header check}. */
    public String zlibMessage() {
        return zlibMessage;
    }
}
