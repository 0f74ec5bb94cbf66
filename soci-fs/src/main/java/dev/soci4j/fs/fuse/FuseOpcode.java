package dev.soci4j.fs.fuse;

/** Opcodes and flags of the FUSE kernel protocol ({@code linux/fuse.h}, protocol 7.31) that the server uses. */
final class FuseOpcode {
    private FuseOpcode() {
    }

    static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, READLINK = 5, OPEN = 14, READ = 15, STATFS = 17,
            RELEASE = 18, GETXATTR = 22, LISTXATTR = 23, INIT = 26, OPENDIR = 27, READDIR = 28,
            RELEASEDIR = 29, ACCESS = 34, INTERRUPT = 36, DESTROY = 38, BATCH_FORGET = 42, READDIRPLUS = 44;

    /** The opcode's name in lower case as {@code linux/fuse.h} spells it ({@code FUSE_READ}: "read"), or "other". */
    static String name(int opcode) {
        return switch (opcode) {
            case LOOKUP -> "lookup";
            case FORGET -> "forget";
            case GETATTR -> "getattr";
            case READLINK -> "readlink";
            case OPEN -> "open";
            case READ -> "read";
            case STATFS -> "statfs";
            case RELEASE -> "release";
            case GETXATTR -> "getxattr";
            case LISTXATTR -> "listxattr";
            case INIT -> "init";
            case OPENDIR -> "opendir";
            case READDIR -> "readdir";
            case RELEASEDIR -> "releasedir";
            case ACCESS -> "access";
            case INTERRUPT -> "interrupt";
            case DESTROY -> "destroy";
            case BATCH_FORGET -> "batch_forget";
            case READDIRPLUS -> "readdirplus";
            default -> "other";
        };
    }

    /** struct fuse_in_header: len, opcode, unique, nodeid, uid, gid, pid, total_extlen, padding. */
    static final int IN_HEADER_BYTES = 40;
    /** struct fuse_out_header: len, error, unique. */
    static final int OUT_HEADER_BYTES = 16;
    /** struct fuse_attr (88 bytes since 7.9). */
    static final int ATTR_BYTES = 88;
    /** struct fuse_entry_out: nodeid, generation, entry_valid, attr_valid, two nsec fields, then fuse_attr. */
    static final int ENTRY_OUT_BYTES = 40 + ATTR_BYTES;
    /** struct fuse_attr_out: attr_valid, attr_valid_nsec, dummy, then fuse_attr. */
    static final int ATTR_OUT_BYTES = 16 + ATTR_BYTES;
    /** struct fuse_init_out as of 7.36 (64 bytes; the kernel accepts it from any 7.x server). */
    static final int INIT_OUT_BYTES = 64;
    /** struct fuse_dirent before the name: ino, off, namelen, type. */
    static final int DIRENT_NAME_OFFSET = 24;

    static final int KERNEL_MAJOR = 7;
    static final int KERNEL_MINOR = 31;

    // fuse_init_in/out flags
    static final int FUSE_ASYNC_READ = 1;
    static final int FUSE_BIG_WRITES = 1 << 5;
    static final int FUSE_DO_READDIRPLUS = 1 << 13;
    static final int FUSE_READDIRPLUS_AUTO = 1 << 14;
    static final int FUSE_PARALLEL_DIROPS = 1 << 18;
    static final int FUSE_MAX_PAGES = 1 << 22;
    static final int FUSE_CACHE_SYMLINKS = 1 << 23;

    // fuse_open_out.open_flags
    static final int FOPEN_KEEP_CACHE = 1 << 1;
    static final int FOPEN_CACHE_DIR = 1 << 3;
}
