package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.util.List;

/**
 * What a read-only FUSE filesystem answers, in node ids the kernel keeps (root is {@link #ROOT_ID}).
 * Implementations must be thread-safe (several reader threads call them at once) and stateless per
 * open file: node ids alone identify everything, so a new server process can answer for a live
 * connection. A method fails with {@link FuseError} to choose the errno; any other exception is
 * answered with {@code EIO}.
 */
public interface FuseFilesystem {
    long ROOT_ID = 1;

    /** Attributes of a node; {@code mode} holds the type bits ({@code S_IFREG} ...) and permissions. */
    record Attr(long ino, long size, int mode, int nlink, long uid, long gid, int rdev,
                long mtimeSeconds, int mtimeNanos) {
    }

    /** One directory entry; {@code name} is raw bytes as the kernel compares them. */
    record DirEntry(byte[] name, long ino, int mode) {
    }

    /** Totals for statfs. */
    record FsStats(long blocks, long files) {
    }

    Attr attr(long node) throws IOException;

    /** The child's node id, or 0 when {@code parent} has no such entry. */
    long lookup(long parent, byte[] name) throws IOException;

    /** The children of a directory, in a stable order (without {@code .} and {@code ..}). */
    List<DirEntry> list(long dir) throws IOException;

    byte[] readlink(long node) throws IOException;

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset} of a regular file into {@code dst} from
     * its position, and returns the count (0 at the end). The FUSE session passes a direct buffer over
     * its reply, so cached bytes go from the cache file to the kernel with no copy in Java.
     */
    int read(long node, long offset, java.nio.ByteBuffer dst) throws IOException;

    /** {@link #read(long, long, java.nio.ByteBuffer)} into {@code dst[0, length)}. */
    default int read(long node, long offset, byte[] dst, int length) throws IOException {
        return read(node, offset, java.nio.ByteBuffer.wrap(dst, 0, length));
    }

    /** The value of xattr {@code name}, or null when the node has none of that name. */
    byte[] xattr(long node, String name) throws IOException;

    List<String> xattrNames(long node) throws IOException;

    FsStats stats();

    /** Called once the mount is gone: finish background work (such as cache writes). Never throws. */
    default void close() {
    }
}
