package dev.soci4j.ztoc.zlib;

import java.io.IOException;

/** zlib refused to go on for a reason that is not the data's fault (out of memory). */
public class ZlibException extends IOException {
    private final int returnCode;

    ZlibException(String message, int returnCode) {
        super(message);
        this.returnCode = returnCode;
    }

    /** zlib's return code ({@code Z_MEM_ERROR} = -4, {@code Z_DATA_ERROR} = -3, ...). */
    public int returnCode() {
        return returnCode;
    }
}
