package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Receives one file descriptor sent over an AF_UNIX socket as SCM_RIGHTS ancillary data, which is
 * how fusermount3 hands over the {@code /dev/fuse} fd it opened and mounted: a one-byte message
 * whose control data holds the fd. The kernel installs a new fd for it in our process.
 *
 * <p>The structures, as glibc lays them out on x86_64 (LP64: pointers and size_t 8 bytes):
 * <pre>
 * struct iovec   { void *iov_base; size_t iov_len; }                          16 bytes
 * struct msghdr  { void *msg_name;          //  0
 *                  socklen_t msg_namelen;   //  8, then 4 bytes padding
 *                  struct iovec *msg_iov;   // 16
 *                  size_t msg_iovlen;       // 24
 *                  void *msg_control;       // 32
 *                  size_t msg_controllen;   // 40
 *                  int msg_flags; }         // 48, then 4 bytes padding       56 bytes
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }           16 bytes, data follows
 * </pre>
 * One int of data: CMSG_LEN(4) = 20 is the cmsg_len it carries, CMSG_SPACE(4) = 24 the buffer it needs.
 */
final class ScmRights {
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    /** msg_flags: the control data did not fit; the fds that did not fit were closed by the kernel. */
    static final int MSG_CTRUNC = 0x8;

    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("cmsg_len"),
            ValueLayout.JAVA_INT.withName("cmsg_level"),
            ValueLayout.JAVA_INT.withName("cmsg_type"));
    /** CMSG_LEN(sizeof(int)): header plus one fd, unpadded. */
    static final long CMSG_LEN_ONE_FD = CMSGHDR.byteSize() + Integer.BYTES;
    /** CMSG_SPACE(sizeof(int)): the same rounded up to the 8-byte alignment of the next header. */
    static final long CMSG_SPACE_ONE_FD = (CMSG_LEN_ONE_FD + 7) & ~7L;

    private static final long MSG_IOV = offset(MSGHDR, "msg_iov");
    private static final long MSG_IOVLEN = offset(MSGHDR, "msg_iovlen");
    private static final long MSG_CONTROL = offset(MSGHDR, "msg_control");
    private static final long MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen");
    private static final long MSG_FLAGS = offset(MSGHDR, "msg_flags");
    private static final long IOV_BASE = offset(IOVEC, "iov_base");
    private static final long IOV_LEN = offset(IOVEC, "iov_len");
    private static final long CMSG_LEN = offset(CMSGHDR, "cmsg_len");
    private static final long CMSG_LEVEL = offset(CMSGHDR, "cmsg_level");
    private static final long CMSG_TYPE = offset(CMSGHDR, "cmsg_type");

    private ScmRights() {
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static int fdAt(MemorySegment control, long index) {
        return control.get(ValueLayout.JAVA_INT, CMSGHDR.byteSize() + index * Integer.BYTES);
    }

    /**
     * Reads one message from {@code socket} and returns the fd it carried (close-on-exec), or -1 when
     * the peer closed the socket without sending one, or sent data without an fd.
     */
    static int receive(int socket) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(1);
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ValueLayout.ADDRESS, IOV_BASE, data);
            iov.set(ValueLayout.JAVA_LONG, IOV_LEN, data.byteSize());
            MemorySegment control = arena.allocate(CMSG_SPACE_ONE_FD, 8);
            MemorySegment msg = arena.allocate(MSGHDR); // zeroed: no msg_name
            msg.set(ValueLayout.ADDRESS, MSG_IOV, iov);
            msg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
            msg.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
            msg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
            long n;
            do {
                n = Libc.recvmsg(socket, msg, Libc.MSG_CMSG_CLOEXEC);
            } while (n == -Libc.EINTR);
            if (n < 0) throw new Libc.NativeException("recvmsg", "fd " + socket, (int) -n);
            if (n == 0) return -1; // EOF: the sender ended without sending
            long controlLength = msg.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
            if (controlLength < CMSG_LEN_ONE_FD) return -1;
            long cmsgLength = control.get(ValueLayout.JAVA_LONG, CMSG_LEN);
            int level = control.get(ValueLayout.JAVA_INT, CMSG_LEVEL);
            int type = control.get(ValueLayout.JAVA_INT, CMSG_TYPE);
            if (level != SOL_SOCKET || type != SCM_RIGHTS || cmsgLength < CMSG_LEN_ONE_FD) return -1;
            // CMSG_SPACE(4) is 24 bytes, room for two fds: count them, and close what the protocol has no place for
            long received = (Math.min(cmsgLength, controlLength) - CMSGHDR.byteSize()) / Integer.BYTES;
            boolean truncated = (msg.get(ValueLayout.JAVA_INT, MSG_FLAGS) & MSG_CTRUNC) != 0;
            if (received != 1 || truncated) {
                for (long i = 0; i < received; i++) Libc.close(fdAt(control, i));
                throw new IOException("fd %d: sender passed more than one fd".formatted(socket));
            }
            return fdAt(control, 0);
        }
    }
}
