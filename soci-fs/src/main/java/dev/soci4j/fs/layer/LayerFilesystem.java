package dev.soci4j.fs.layer;

import dev.soci4j.fs.fuse.FuseError;
import dev.soci4j.fs.fuse.FuseFilesystem;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer as a read-only {@link FuseFilesystem}: metadata from the {@link LayerTree}, file bytes
 * through the {@link SpanManager}. Thread-safe and stateless per open file.
 */
public final class LayerFilesystem implements FuseFilesystem {
    private final LayerTree tree;
    private final SpanManager spans;
    private final long uncompressedSize;
    private final TarHeaderCheck headers;

    public LayerFilesystem(LayerTree tree, SpanManager spans, long uncompressedSize) {
        this.tree = tree;
        this.spans = spans;
        this.uncompressedSize = uncompressedSize;
        this.headers = new TarHeaderCheck(spans.toString(), spans, tree.idLimit());
    }

    public LayerTree tree() {
        return tree;
    }

    @Override
    public void close() {
        spans.close();
    }

    private LayerTree.Node node(long id) throws FuseError {
        LayerTree.Node n = tree.node(id);
        if (n == null) throw new FuseError(FuseError.ENOENT, "no node " + id);
        return n;
    }

    @Override
    public Attr attr(long id) throws IOException {
        LayerTree.Node n = node(id);
        FileMetadata m = n.meta();
        long size = 0;
        int rdev = 0;
        Instant mtime = Instant.EPOCH;
        long uid = 0, gid = 0;
        if (m != null) {
            uid = m.uid();
            gid = m.gid();
            mtime = m.modTimeInstant().orElse(Instant.EPOCH);
            if (!n.whiteout()) {
                switch (m.type()) {
                    case REG -> size = m.uncompressedSize();
                    case SYMLINK -> size = m.linkname().getBytes(StandardCharsets.UTF_8).length;
                    case CHAR, BLOCK -> rdev = encodeDev(m.devmajor(), m.devminor());
                    case DIR, FIFO, HARDLINK -> { }
                }
            }
        }
        if (n.isDir()) size = 4096;
        return new Attr(id, size, n.mode(), tree.nlink(id), uid, gid, rdev, mtime.getEpochSecond(), mtime.getNano());
    }

    /** Linux's new_encode_dev: the 32-bit device number fuse_attr.rdev carries. */
    private static int encodeDev(long major, long minor) {
        return (int) ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12));
    }

    @Override
    public long lookup(long parent, byte[] name) throws IOException {
        LayerTree.Node p = node(parent);
        if (!p.isDir()) throw new FuseError(FuseError.ENOTDIR, p.path() + " is not a directory");
        String child = new String(name, StandardCharsets.UTF_8);
        if (child.equals(".") || child.equals("..") || child.contains("/")) return 0;
        LayerTree.Node found = tree.find(p.path().isEmpty() ? child : p.path() + "/" + child);
        return found == null ? 0 : found.id();
    }

    @Override
    public List<DirEntry> list(long dir) throws IOException {
        LayerTree.Node d = node(dir);
        if (!d.isDir()) throw new FuseError(FuseError.ENOTDIR, d.path() + " is not a directory");
        List<DirEntry> out = new ArrayList<>();
        for (LayerTree.Child c : tree.children(dir)) out.add(new DirEntry(c.name(), c.id(), c.node().mode()));
        return out;
    }

    @Override
    public byte[] readlink(long id) throws IOException {
        LayerTree.Node n = node(id);
        if (n.meta() == null || n.whiteout() || n.meta().type() != EntryType.SYMLINK)
            throw new FuseError(FuseError.EINVAL, n.path() + " is not a symlink");
        return n.meta().linkname().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read(long id, long offset, java.nio.ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        LayerTree.Node n = node(id);
        FileMetadata m = n.meta();
        if (m == null || n.whiteout() || m.type() != EntryType.REG)
            throw new FuseError(FuseError.EINVAL, n.path() + " is not a regular file");
        if (offset >= m.uncompressedSize() || offset < 0) return 0;
        int count = (int) Math.min(length, m.uncompressedSize() - offset);
        if (m.uncompressedEnd() > uncompressedSize)
            throw new IOException("%s ends at %d, past the layer's %d bytes".formatted(n.path(), m.uncompressedEnd(), uncompressedSize));
        headers.require(id, m);
        spans.read(m.uncompressedOffset() + offset, dst.slice(dst.position(), count));
        dst.position(dst.position() + count);
        return count;
    }

    @Override
    public byte[] xattr(long id, String name) throws IOException {
        for (Xattr x : tree.xattrs(node(id))) if (x.key().equals(name)) return x.value();
        return null;
    }

    @Override
    public List<String> xattrNames(long id) throws IOException {
        return tree.xattrs(node(id)).stream().map(Xattr::key).toList();
    }

    @Override
    public FsStats stats() {
        return new FsStats((uncompressedSize + 4095) / 4096, tree.idLimit());
    }
}
