package dev.soci4j.fs.layer;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.TocPaths;
import dev.soci4j.ztoc.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The directory tree of one layer, derived from its zTOC alone so that node ids are the same in every
 * process that loads the same zTOC: the root is 1, entry {@code i} of the zTOC is {@code i + 2}, the
 * directories no entry names (implied parents) follow in sorted order, and a hardlink answers with
 * its target's id. Names are cleaned ({@link TocPaths#clean}): nothing can lead outside the layer.
 * Whiteouts ({@code soci-format.md §5}): {@code .wh.<name>} becomes a char device 0:0 named
 * {@code <name>}, {@code .wh..wh..opq} marks its directory with {@code trusted.overlay.opaque=y}.
 * Immutable and thread-safe once built.
 */
public final class LayerTree {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    public static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000,
            S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    /** What a node is; {@code meta} is null for the root (without an entry) and implied directories. */
    public record Node(long id, String path, byte[] name, long parent, FileMetadata meta, int mode,
                       boolean whiteout, boolean opaque) {
        public boolean isDir() {
            return (mode & S_IFMT) == S_IFDIR;
        }
    }

    private final Node[] nodes; // index = id; null where an entry lost to a later one or was dropped
    private final Map<String, Long> byPath;
    private final long[][] children; // per id, sorted by name bytes
    private final int[] nlink;

    private final long[] shown; // per id: the id a lookup answers (a hardlink's target, else itself)

    private LayerTree(Node[] nodes, Map<String, Long> byPath, long[][] children, int[] nlink, long[] shown) {
        this.shown = shown;
        this.nodes = nodes;
        this.byPath = byPath;
        this.children = children;
        this.nlink = nlink;
    }

    public static LayerTree of(List<FileMetadata> files) {
        int n = files.size();
        Map<String, Integer> winner = new HashMap<>(n * 2); // cleaned path -> entry index (tar: last wins)
        String[] paths = new String[n];
        for (int i = 0; i < n; i++) {
            FileMetadata f = files.get(i);
            String path = TocPaths.clean(f.name());
            String base = path.substring(path.lastIndexOf('/') + 1);
            if (base.equals(OPAQUE_MARKER)) {
                paths[i] = path; // kept apart: it marks its parent, it is no node
                continue;
            }
            if (base.startsWith(WHITEOUT_PREFIX) && base.length() > WHITEOUT_PREFIX.length())
                path = joinPath(TocPaths.parent(path), base.substring(WHITEOUT_PREFIX.length()));
            paths[i] = path;
            winner.put(path, i);
        }
        TreeSet<String> implied = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            for (String p = TocPaths.parent(paths[i]); !p.isEmpty() && !winner.containsKey(p); p = TocPaths.parent(p))
                if (!implied.add(p)) break;
        }
        int total = n + 2 + implied.size();
        Node[] nodes = new Node[total];
        Map<String, Long> byPath = new HashMap<>(total * 2);
        byPath.put("", 1L);
        long id = n + 2;
        for (String p : implied) byPath.put(p, id++);
        for (var e : winner.entrySet()) {
            if (!e.getKey().isEmpty()) byPath.put(e.getKey(), e.getValue() + 2L);
        }
        // opaque markers
        java.util.Set<String> opaqueDirs = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if (paths[i].substring(paths[i].lastIndexOf('/') + 1).equals(OPAQUE_MARKER))
                opaqueDirs.add(TocPaths.parent(paths[i]));
        }
        Integer rootEntry = winner.get("");
        FileMetadata rootMeta = rootEntry != null && files.get(rootEntry).type() == EntryType.DIR ? files.get(rootEntry) : null;
        nodes[1] = new Node(1, "", new byte[0], 0, rootMeta, rootMeta == null ? S_IFDIR | 0755 : S_IFDIR | perm(rootMeta),
                false, opaqueDirs.contains(""));
        for (String p : implied) {
            long nid = byPath.get(p);
            nodes[(int) nid] = new Node(nid, p, nameOf(p), 0, null, S_IFDIR | 0755, false, opaqueDirs.contains(p));
        }
        for (var e : winner.entrySet()) {
            String p = e.getKey();
            if (p.isEmpty()) continue;
            int i = e.getValue();
            FileMetadata f = files.get(i);
            String base = TocPaths.clean(f.name());
            base = base.substring(base.lastIndexOf('/') + 1);
            boolean whiteout = base.startsWith(WHITEOUT_PREFIX);
            int mode = whiteout ? S_IFCHR : typeBits(f.type()) | perm(f);
            nodes[i + 2] = new Node(i + 2L, p, nameOf(p), 0, f, mode, whiteout, opaqueDirs.contains(p));
        }
        // parents, children, hardlinks
        Map<Long, List<Long>> kids = new HashMap<>();
        int[] nlink = new int[total];
        long[] shown = new long[total];
        for (int id2 = 1; id2 < total; id2++) {
            Node node = nodes[id2];
            shown[id2] = id2;
            if (node == null || id2 == 1) continue;
            Long parent = byPath.get(TocPaths.parent(node.path()));
            Node parentNode = parent == null ? null : nodes[(int) (long) parent];
            if (parentNode == null || !parentNode.isDir()) {
                nodes[id2] = null; // its parent is not a directory (tar -x fails such an entry too)
                continue;
            }
            if (node.meta() != null && node.meta().type() == EntryType.HARDLINK && !node.whiteout()) {
                Long target = resolveHardlink(node, byPath, nodes);
                if (target == null) {
                    nodes[id2] = null; // dangling or looping link: not shown
                    continue;
                }
                shown[id2] = target;
            }
            nodes[id2] = new Node(node.id(), node.path(), node.name(), parent, node.meta(), node.mode(), node.whiteout(), node.opaque());
            kids.computeIfAbsent(parent, k -> new ArrayList<>()).add((long) id2);
            nlink[(int) shown[id2]]++;
        }
        long[][] children = new long[total][];
        for (var e : kids.entrySet()) {
            Long[] boxed = e.getValue().toArray(Long[]::new);
            Arrays.sort(boxed, (a, b) -> Arrays.compareUnsigned(nodes[(int) (long) a].name(), nodes[(int) (long) b].name()));
            children[(int) (long) e.getKey()] = Arrays.stream(boxed).mapToLong(Long::longValue).toArray();
        }
        for (int i = 1; i < total; i++) {
            if (nodes[i] != null && nodes[i].isDir()) nlink[i] = 2;
        }
        return new LayerTree(nodes, byPath, children, nlink, shown);
    }

    /** The regular file a hardlink leads to (following chains), or null when dangling, looping or not a file. */
    private static Long resolveHardlink(Node node, Map<String, Long> byPath, Node[] nodes) {
        FileMetadata f = node.meta();
        for (int hops = 0; hops < 64; hops++) {
            Long target = byPath.get(TocPaths.clean(f.linkname()));
            if (target == null || nodes[(int) (long) target] == null) return null;
            Node t = nodes[(int) (long) target];
            if (t.meta() == null || t.meta().type() != EntryType.HARDLINK) return t.meta() != null && t.meta().type() != EntryType.DIR ? target : null;
            f = t.meta();
        }
        return null;
    }

    private static String joinPath(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }

    private static byte[] nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1).getBytes(StandardCharsets.UTF_8);
    }

    private static int perm(FileMetadata f) {
        return (int) (f.mode() & 07777);
    }

    private static int typeBits(EntryType t) {
        return switch (t) {
            case REG, HARDLINK -> S_IFREG;
            case DIR -> S_IFDIR;
            case SYMLINK -> S_IFLNK;
            case CHAR -> S_IFCHR;
            case BLOCK -> S_IFBLK;
            case FIFO -> S_IFIFO;
        };
    }

    /** Number of node ids (the largest id plus one). */
    public int idLimit() {
        return nodes.length;
    }

    /** The node with {@code id}, or null. */
    public Node node(long id) {
        return id > 0 && id < nodes.length ? nodes[(int) id] : null;
    }

    /** The node at cleaned path {@code path} ("" is the root), or null. A hardlink answers with its target. */
    public Node find(String path) {
        Long id = byPath.get(TocPaths.clean(path));
        if (id == null || nodes[(int) (long) id] == null) return null;
        return nodes[(int) shown[(int) (long) id]];
    }

    /** A directory's children in name order; a hardlink is shown with its own name and its target's node. */
    public List<Child> children(long dir) {
        long[] slots = dir > 0 && dir < children.length ? children[(int) dir] : null;
        if (slots == null) return List.of();
        List<Child> out = new ArrayList<>(slots.length);
        for (long own : slots) {
            long id = shown[(int) own];
            out.add(new Child(nodes[(int) own].name(), id, nodes[(int) id]));
        }
        return out;
    }

    /** A directory entry: its name, and the node it shows (the target's, for a hardlink). */
    public record Child(byte[] name, long id, Node node) {
    }

    public int nlink(long id) {
        return Math.max(1, nlink[(int) id]);
    }

    /** The file xattrs of a node: {@code SCHILY.xattr.*} records, plus the opaque marker. */
    public List<Xattr> xattrs(Node node) {
        List<Xattr> out = new ArrayList<>(node.meta() == null || node.whiteout() ? List.of() : node.meta().fileXattrs());
        if (node.opaque()) out.add(new Xattr(OPAQUE_XATTR, "y"));
        return out;
    }
}
