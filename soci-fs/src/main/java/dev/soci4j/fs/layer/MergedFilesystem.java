package dev.soci4j.fs.layer;

import dev.soci4j.fs.fuse.FuseError;
import dev.soci4j.fs.fuse.FuseFilesystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An image's layers as one read-only {@link FuseFilesystem}, merged the way overlayfs stacks them:
 * the topmost layer with a path wins; a whiteout hides the path in the layers below; a directory
 * merges with the directories of the same path below it until one is opaque, or until a layer has
 * something else there (a file, or a whiteout); whiteouts and the opaque marker never show.
 *
 * <p>Used where overlayfs is not available: mounting overlayfs needs root, while one FUSE mount can
 * be made by any user through fusermount3. Node ids, like the layers' own, come from the zTOCs
 * alone: {@code (id in its layer) << 8 | layer index} for the layer that shows the node (root 1), so
 * a new process can answer for a live mount. Up to {@value #MAX_LAYERS} layers. Thread-safe.
 */
public final class MergedFilesystem implements FuseFilesystem {
    public static final int MAX_LAYERS = 255;
    private static final int LAYER_BITS = 8;

    private final List<LayerFilesystem> layers;   // bottom first, as in the manifest
    /** Merged directories by merged id: the layers that contribute, top first, and their node ids there. */
    private final ConcurrentHashMap<Long, MergedDir> dirs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MergedDir> dirsByPath = new ConcurrentHashMap<>();

    /** A visible directory: its cleaned path, and per contributing layer (top first) the layer index and node id. */
    private record MergedDir(String path, int[] layer, long[] node) {
    }

    /** @param layers bottom first, as in the image manifest */
    public MergedFilesystem(List<LayerFilesystem> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("an image needs at least one layer");
        if (layers.size() > MAX_LAYERS)
            throw new IllegalArgumentException("%d layers; one merged mount serves at most %d".formatted(layers.size(), MAX_LAYERS));
        this.layers = List.copyOf(layers);
    }

    static long encode(int layer, long node) {
        return node << LAYER_BITS | layer;
    }

    private int layerOf(long id) throws FuseError {
        int layer = (int) (id & ((1 << LAYER_BITS) - 1));
        if (id <= ROOT_ID || layer >= layers.size()) throw new FuseError(FuseError.ENOENT, "no node " + id);
        return layer;
    }

    private static long nodeOf(long id) {
        return id >>> LAYER_BITS;
    }

    private LayerTree tree(int layer) {
        return layers.get(layer).tree();
    }

    @Override
    public Attr attr(long id) throws IOException {
        if (id == ROOT_ID) {
            MergedDir root = root();
            Attr a = layers.get(root.layer()[0]).attr(root.node()[0]);
            return new Attr(ROOT_ID, a.size(), a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(), a.mtimeSeconds(), a.mtimeNanos());
        }
        int layer = layerOf(id);
        Attr a = layers.get(layer).attr(nodeOf(id));
        return new Attr(id, a.size(), a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(), a.mtimeSeconds(), a.mtimeNanos());
    }

    @Override
    public long lookup(long parent, byte[] name) throws IOException {
        MergedDir dir = dir(parent);
        String child = new String(name, StandardCharsets.UTF_8);
        if (child.equals(".") || child.equals("..") || child.contains("/")) return 0;
        String path = dir.path().isEmpty() ? child : dir.path() + "/" + child;
        for (int i = 0; i < dir.layer().length; i++) {
            LayerTree.Node n = tree(dir.layer()[i]).find(path);
            if (n == null) continue;
            return n.whiteout() ? 0 : encode(dir.layer()[i], n.id());
        }
        return 0;
    }

    @Override
    public List<DirEntry> list(long id) throws IOException {
        MergedDir dir = dir(id);
        Set<String> seen = new HashSet<>();
        List<DirEntry> out = new ArrayList<>();
        for (int i = 0; i < dir.layer().length; i++) {
            int layer = dir.layer()[i];
            for (LayerTree.Child c : tree(layer).children(dir.node()[i])) {
                // the first (topmost) layer with a name decides; a whiteout hides it below
                if (!seen.add(new String(c.name(), StandardCharsets.ISO_8859_1)) || c.node().whiteout()) continue;
                out.add(new DirEntry(c.name(), encode(layer, c.id()), c.node().mode()));
            }
        }
        out.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
        return out;
    }

    @Override
    public byte[] readlink(long id) throws IOException {
        if (id == ROOT_ID) throw new FuseError(FuseError.EINVAL, "the root is not a symlink");
        return layers.get(layerOf(id)).readlink(nodeOf(id));
    }

    @Override
    public int read(long id, long offset, ByteBuffer dst) throws IOException {
        if (id == ROOT_ID) throw new FuseError(FuseError.EINVAL, "the root is not a regular file");
        return layers.get(layerOf(id)).read(nodeOf(id), offset, dst);
    }

    @Override
    public byte[] xattr(long id, String name) throws IOException {
        if (name.equals(LayerTree.OPAQUE_XATTR)) return null;   // a stacking detail, as overlayfs hides it
        if (id == ROOT_ID) return layers.get(root().layer()[0]).xattr(root().node()[0], name);
        return layers.get(layerOf(id)).xattr(nodeOf(id), name);
    }

    @Override
    public List<String> xattrNames(long id) throws IOException {
        List<String> names = id == ROOT_ID ? layers.get(root().layer()[0]).xattrNames(root().node()[0])
                : layers.get(layerOf(id)).xattrNames(nodeOf(id));
        return names.stream().filter(n -> !n.equals(LayerTree.OPAQUE_XATTR)).toList();
    }

    @Override
    public FsStats stats() {
        long blocks = 0, files = 0;
        for (LayerFilesystem l : layers) {
            blocks += l.stats().blocks();
            files += l.stats().files();
        }
        return new FsStats(blocks, files);
    }

    @Override
    public void close() {
        for (LayerFilesystem l : layers) l.close();
    }

    private MergedDir root() {
        return dirsByPath.computeIfAbsent("", p -> {
            int n = 0;
            int[] layer = new int[layers.size()];
            long[] node = new long[layers.size()];
            for (int l = layers.size() - 1; l >= 0; l--) {
                LayerTree.Node r = tree(l).node(ROOT_ID);
                layer[n] = l;
                node[n++] = ROOT_ID;
                if (r != null && r.opaque()) break;
            }
            return new MergedDir("", Arrays.copyOf(layer, n), Arrays.copyOf(node, n));
        });
    }

    /** The merged directory behind a node id, worked out from the id alone (and remembered). */
    private MergedDir dir(long id) throws IOException {
        if (id == ROOT_ID) return root();
        MergedDir known = dirs.get(id);
        if (known != null) return known;
        int layer = layerOf(id);
        LayerTree.Node n = tree(layer).node(nodeOf(id));
        if (n == null) throw new FuseError(FuseError.ENOENT, "no node " + id);
        if (!n.isDir()) throw new FuseError(FuseError.ENOTDIR, n.path() + " is not a directory");
        MergedDir dir = byPath(n.path());
        if (dir == null) throw new FuseError(FuseError.ENOENT, n.path() + " is hidden by an upper layer");
        dirs.putIfAbsent(id, dir);
        return dir;
    }

    /** The visible directory at {@code path}, or null when the path is no visible directory. */
    private MergedDir byPath(String path) {
        if (path.isEmpty()) return root();
        MergedDir cached = dirsByPath.get(path);
        if (cached != null) return cached;
        int slash = path.lastIndexOf('/');
        MergedDir parent = byPath(slash < 0 ? "" : path.substring(0, slash));
        if (parent == null) return null;
        int n = 0;
        int[] layer = new int[parent.layer().length];
        long[] node = new long[parent.layer().length];
        for (int i = 0; i < parent.layer().length; i++) {
            LayerTree.Node d = tree(parent.layer()[i]).find(path);
            if (d == null) continue;              // this layer has nothing here; the ones below may
            if (d.whiteout() || !d.isDir()) break; // hidden below this layer, or not a directory from here down
            layer[n] = parent.layer()[i];
            node[n++] = d.id();
            if (d.opaque()) break;
        }
        if (n == 0) return null;
        MergedDir dir = new MergedDir(path, Arrays.copyOf(layer, n), Arrays.copyOf(node, n));
        MergedDir raced = dirsByPath.putIfAbsent(path, dir);
        return raced != null ? raced : dir;
    }
}
