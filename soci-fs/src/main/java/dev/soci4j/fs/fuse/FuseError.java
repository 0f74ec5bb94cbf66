package dev.soci4j.fs.fuse;

import java.io.IOException;

/** A filesystem answer that is an errno rather than data (ENOENT, ENOTDIR ...). */
public final class FuseError extends IOException {
    public static final int ENOENT = Libc.ENOENT, EIO = Libc.EIO, ENOTDIR = Libc.ENOTDIR, EINVAL = Libc.EINVAL;

    private final int errno;

    public FuseError(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
