package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one FUSE connection: each reader thread reads requests from the {@code /dev/fuse} fd and
 * writes the answers. Stateless: nodes and handles are the filesystem's stable ids, FORGET is not
 * counted, so any process holding the fd can answer. Every request gets an answer or is one of the
 * no-reply kinds (FORGET, BATCH_FORGET, INTERRUPT); an exception becomes {@code EIO}, never a crash.
 */
final class FuseSession {
    private static final Logger log = LoggerFactory.getLogger(FuseSession.class);

    /** Largest READ we accept (and the kernel sends: max_pages 256 of 4 KiB). */
    static final int MAX_READ_BYTES = 1 << 20;
    /** Request buffer: max_write plus headers; the kernel wants at least max_write + 4 KiB. */
    private static final int IN_BUFFER_BYTES = MAX_READ_BYTES + 64 * 1024;
    private static final int OUT_BUFFER_BYTES = MAX_READ_BYTES + 4096;
    /** Layers never change: entries and attributes stay valid for a day. */
    private static final long TTL_SECONDS = 86_400;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final int fd;
    private final FuseFilesystem fs;
    private final String name;
    final AtomicLong requests = new AtomicLong();
    final FuseOperationStats operations = new FuseOperationStats();

    FuseSession(int fd, FuseFilesystem fs, String name) {
        this.fd = fd;
        this.fs = fs;
        this.name = name;
    }

    /** Runs one reader thread's loop until the connection ends (unmount or abort). Never throws. */
    void serve() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(IN_BUFFER_BYTES, 8);
            MemorySegment out = arena.allocate(OUT_BUFFER_BYTES, 8);
            MemorySegment state = Libc.allocateCallState(arena);
            while (true) {
                long n = Libc.read(fd, in, state);
                if (n < 0) {
                    int errno = (int) -n;
                    // ENOENT: the request was interrupted before we read it; EINTR/EAGAIN: try again
                    if (errno == Libc.ENOENT || errno == Libc.EINTR || errno == Libc.EAGAIN) continue;
                    if (errno != Libc.ENODEV)
                        log.atWarn().addKeyValue("mount", name).addKeyValue("errno", errno).log("fuse read failed");
                    return; // ENODEV: unmounted
                }
                if (n < FuseOpcode.IN_HEADER_BYTES) continue;
                requests.incrementAndGet();
                long started = System.nanoTime();
                int opcode = in.get(INT, 4);
                long unique = in.get(LONG, 8);
                long node = in.get(LONG, 16);
                int len;
                try {
                    len = handle(opcode, node, in, (int) n, out);
                } catch (FuseError e) {
                    len = -e.errno();
                } catch (java.io.IOException e) {
                    // logged where it happened (span fetch, verification); here only the answer
                    log.atDebug().addKeyValue("mount", name).addKeyValue("opcode", opcode).addKeyValue("node", node)
                            .log("answering EIO: " + e.getMessage());
                    len = -Libc.EIO;
                } catch (Throwable t) {
                    log.atWarn().addKeyValue("mount", name).addKeyValue("opcode", opcode).addKeyValue("node", node)
                            .setCause(t).log("fuse request failed; answering EIO");
                    len = -Libc.EIO;
                }
                if (len == NO_REPLY) {
                    operations.record(opcode, System.nanoTime() - started, false);
                    continue;
                }
                int error = len < 0 ? len : 0;
                int total = FuseOpcode.OUT_HEADER_BYTES + Math.max(len, 0);
                out.set(INT, 0, total);
                out.set(INT, 4, error);
                out.set(LONG, 8, unique);
                long w = Libc.write(fd, out, total, state);
                operations.record(opcode, System.nanoTime() - started, error != 0);
                // ENOENT: the request was interrupted meanwhile; the kernel no longer wants the answer
                if (w < 0 && w != -Libc.ENOENT && w != -Libc.ENODEV)
                    log.atWarn().addKeyValue("mount", name).addKeyValue("opcode", opcode).addKeyValue("errno", -w)
                            .log("fuse reply rejected");
            }
        } catch (Throwable t) {
            log.atError().addKeyValue("mount", name).setCause(t).log("fuse reader thread ended unexpectedly");
        }
    }

    private static final int NO_REPLY = Integer.MIN_VALUE;

    /** Answers one request into {@code out} after the header; returns the payload length, {@code -errno} or {@link #NO_REPLY}. */
    private int handle(int opcode, long node, MemorySegment in, int n, MemorySegment out) throws IOException {
        int body = FuseOpcode.IN_HEADER_BYTES;
        int p = FuseOpcode.OUT_HEADER_BYTES;
        return switch (opcode) {
            case FuseOpcode.INIT -> init(in, out);
            case FuseOpcode.LOOKUP -> {
                long child = fs.lookup(node, cString(in, body, n));
                if (child == 0) {
                    // negative entry, cached as long as positive ones: the layer never changes
                    out.asSlice(p, FuseOpcode.ENTRY_OUT_BYTES).fill((byte) 0);
                    out.set(LONG, p + 16, TTL_SECONDS);
                    yield FuseOpcode.ENTRY_OUT_BYTES;
                }
                writeEntry(out, p, fs.attr(child));
                yield FuseOpcode.ENTRY_OUT_BYTES;
            }
            case FuseOpcode.GETATTR -> {
                FuseFilesystem.Attr a = fs.attr(node);
                out.set(LONG, p, TTL_SECONDS);
                out.set(INT, p + 8, 0);
                out.set(INT, p + 12, 0);
                writeAttr(out, p + 16, a);
                yield FuseOpcode.ATTR_OUT_BYTES;
            }
            case FuseOpcode.OPEN, FuseOpcode.OPENDIR -> {
                int flags = in.get(INT, body);
                if ((flags & 3) != 0) yield -30; // EROFS: O_WRONLY or O_RDWR on a read-only layer
                out.set(LONG, p, 0L); // stateless handle
                out.set(INT, p + 8, opcode == FuseOpcode.OPEN ? FuseOpcode.FOPEN_KEEP_CACHE
                        : FuseOpcode.FOPEN_KEEP_CACHE | FuseOpcode.FOPEN_CACHE_DIR);
                out.set(INT, p + 12, 0);
                yield 16;
            }
            case FuseOpcode.READ -> {
                long offset = in.get(LONG, body + 8);
                int size = Math.min(in.get(INT, body + 16), MAX_READ_BYTES);
                yield fs.read(node, offset, out.asSlice(p, size).asByteBuffer());
            }
            case FuseOpcode.READDIR, FuseOpcode.READDIRPLUS ->
                    readdir(node, in.get(LONG, body + 8), in.get(INT, body + 16), opcode == FuseOpcode.READDIRPLUS, out);
            case FuseOpcode.READLINK -> {
                byte[] target = fs.readlink(node);
                MemorySegment.copy(target, 0, out, ValueLayout.JAVA_BYTE, p, target.length);
                yield target.length;
            }
            case FuseOpcode.GETXATTR -> {
                int size = in.get(INT, body);
                String attrName = new String(cString(in, body + 8, n), StandardCharsets.UTF_8);
                byte[] value = fs.xattr(node, attrName);
                yield sized(value, size, out);
            }
            case FuseOpcode.LISTXATTR -> {
                int size = in.get(INT, body);
                var buf = new java.io.ByteArrayOutputStream();
                for (String x : fs.xattrNames(node)) {
                    buf.writeBytes(x.getBytes(StandardCharsets.UTF_8));
                    buf.write(0);
                }
                yield sized(buf.toByteArray(), size, out);
            }
            case FuseOpcode.STATFS -> {
                FuseFilesystem.FsStats s = fs.stats();
                out.asSlice(p, 80).fill((byte) 0);
                out.set(LONG, p, s.blocks());
                out.set(LONG, p + 24, s.files());
                out.set(INT, p + 40, 4096); // bsize
                out.set(INT, p + 44, 255); // namelen
                out.set(INT, p + 48, 4096); // frsize
                yield 80;
            }
            case FuseOpcode.RELEASE, FuseOpcode.RELEASEDIR, FuseOpcode.ACCESS, FuseOpcode.DESTROY -> 0;
            case FuseOpcode.FORGET, FuseOpcode.BATCH_FORGET, FuseOpcode.INTERRUPT -> NO_REPLY;
            default -> -Libc.ENOSYS;
        };
    }

    /** getxattr/listxattr: size 0 asks for the length; a too-small buffer is ERANGE. */
    private static int sized(byte[] value, int size, MemorySegment out) {
        int p = FuseOpcode.OUT_HEADER_BYTES;
        if (value == null) return -Libc.ENODATA;
        if (size == 0) {
            out.set(INT, p, value.length);
            out.set(INT, p + 4, 0);
            return 8;
        }
        if (value.length > size) return -Libc.ERANGE;
        MemorySegment.copy(value, 0, out, ValueLayout.JAVA_BYTE, p, value.length);
        return value.length;
    }

    private int init(MemorySegment in, MemorySegment out) {
        int body = FuseOpcode.IN_HEADER_BYTES;
        int major = in.get(INT, body);
        int maxReadahead = in.get(INT, body + 8);
        int offered = in.get(INT, body + 12);
        int p = FuseOpcode.OUT_HEADER_BYTES;
        out.asSlice(p, FuseOpcode.INIT_OUT_BYTES).fill((byte) 0);
        out.set(INT, p, FuseOpcode.KERNEL_MAJOR);
        out.set(INT, p + 4, FuseOpcode.KERNEL_MINOR);
        if (major < FuseOpcode.KERNEL_MAJOR) return -Libc.EINVAL;
        int wanted = FuseOpcode.FUSE_ASYNC_READ | FuseOpcode.FUSE_BIG_WRITES | FuseOpcode.FUSE_DO_READDIRPLUS
                | FuseOpcode.FUSE_READDIRPLUS_AUTO | FuseOpcode.FUSE_PARALLEL_DIROPS | FuseOpcode.FUSE_MAX_PAGES
                | FuseOpcode.FUSE_CACHE_SYMLINKS;
        out.set(INT, p + 8, maxReadahead);
        out.set(INT, p + 12, wanted & offered);
        out.set(SHORT, p + 16, (short) 64); // max_background
        out.set(SHORT, p + 18, (short) 48); // congestion_threshold
        out.set(INT, p + 20, MAX_READ_BYTES); // max_write
        out.set(INT, p + 24, 1); // time_gran: nanoseconds
        out.set(SHORT, p + 28, (short) (MAX_READ_BYTES / 4096)); // max_pages
        log.atDebug().addKeyValue("mount", name).addKeyValue("flags", Integer.toHexString(wanted & offered))
                .log("fuse connection initialised");
        return FuseOpcode.INIT_OUT_BYTES;
    }

    private int readdir(long dir, long offset, int size, boolean plus, MemorySegment out) throws IOException {
        FuseFilesystem.Attr self = fs.attr(dir);
        List<FuseFilesystem.DirEntry> entries = new ArrayList<>();
        entries.add(new FuseFilesystem.DirEntry(new byte[] {'.'}, self.ino(), self.mode()));
        entries.add(new FuseFilesystem.DirEntry(new byte[] {'.', '.'}, self.ino(), self.mode()));
        entries.addAll(fs.list(dir));
        int limit = Math.min(size, OUT_BUFFER_BYTES - FuseOpcode.OUT_HEADER_BYTES);
        int p = FuseOpcode.OUT_HEADER_BYTES;
        int used = 0;
        for (long i = Math.max(offset, 0); i < entries.size(); i++) {
            FuseFilesystem.DirEntry e = entries.get((int) i);
            int direntBytes = align8(FuseOpcode.DIRENT_NAME_OFFSET + e.name().length);
            int need = direntBytes + (plus ? FuseOpcode.ENTRY_OUT_BYTES : 0);
            if (used + need > limit) break;
            int q = p + used;
            if (plus) {
                boolean dots = i < 2; // the kernel links no inode for . and ..; nodeid 0 says "no entry"
                if (dots) out.asSlice(q, FuseOpcode.ENTRY_OUT_BYTES).fill((byte) 0);
                else writeEntry(out, q, fs.attr(e.ino()));
                q += FuseOpcode.ENTRY_OUT_BYTES;
            }
            out.asSlice(q, direntBytes).fill((byte) 0);
            out.set(LONG, q, e.ino());
            out.set(LONG, q + 8, i + 1);
            out.set(INT, q + 16, e.name().length);
            out.set(INT, q + 20, (e.mode() >>> 12) & 0xF);
            MemorySegment.copy(e.name(), 0, out, ValueLayout.JAVA_BYTE, q + FuseOpcode.DIRENT_NAME_OFFSET, e.name().length);
            used += need;
        }
        return used;
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static void writeEntry(MemorySegment out, int p, FuseFilesystem.Attr a) {
        out.set(LONG, p, a.ino());
        out.set(LONG, p + 8, 0L); // generation: ids are stable for the zTOC's lifetime
        out.set(LONG, p + 16, TTL_SECONDS);
        out.set(LONG, p + 24, TTL_SECONDS);
        out.set(INT, p + 32, 0);
        out.set(INT, p + 36, 0);
        writeAttr(out, p + 40, a);
    }

    private static void writeAttr(MemorySegment out, int p, FuseFilesystem.Attr a) {
        out.set(LONG, p, a.ino());
        out.set(LONG, p + 8, a.size());
        out.set(LONG, p + 16, (a.size() + 511) / 512);
        out.set(LONG, p + 24, a.mtimeSeconds()); // atime
        out.set(LONG, p + 32, a.mtimeSeconds());
        out.set(LONG, p + 40, a.mtimeSeconds()); // ctime
        out.set(INT, p + 48, a.mtimeNanos());
        out.set(INT, p + 52, a.mtimeNanos());
        out.set(INT, p + 56, a.mtimeNanos());
        out.set(INT, p + 60, a.mode());
        out.set(INT, p + 64, a.nlink());
        out.set(INT, p + 68, (int) a.uid());
        out.set(INT, p + 72, (int) a.gid());
        out.set(INT, p + 76, a.rdev());
        out.set(INT, p + 80, 4096); // blksize
        out.set(INT, p + 84, 0);
    }

    /** The NUL-terminated string at {@code from}, without the NUL. */
    private static byte[] cString(MemorySegment in, int from, int end) {
        int i = from;
        while (i < end && in.get(ValueLayout.JAVA_BYTE, i) != 0) i++;
        byte[] s = new byte[i - from];
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, from, s, 0, s.length);
        return s;
    }
}
