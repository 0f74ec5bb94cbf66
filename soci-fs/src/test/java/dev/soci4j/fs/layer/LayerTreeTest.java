package dev.soci4j.fs.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerTreeTest {
    private static FileMetadata entry(String name, EntryType type, String link) {
        return new FileMetadata(name, type, 0, 0, link, 0644, 0, 0, "", "", "2024-01-02T03:04:05Z", 0, 0, List.of());
    }

    private static List<String> names(LayerTree tree, long dir) {
        return tree.children(dir).stream().map(c -> new String(c.name(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void idsComeFromTheZtocAloneWithImpliedDirectoriesAfterTheEntriesInSortedOrder() {
        LayerTree tree = LayerTree.of(List.of(
                entry("./z/y/file", EntryType.REG, ""),
                entry("a/", EntryType.DIR, ""),
                entry("b/c/file", EntryType.REG, "")));
        assertThat(tree.find("").id()).isEqualTo(1);
        assertThat(tree.find("z/y/file").id()).isEqualTo(2);
        assertThat(tree.find("a").id()).isEqualTo(3);
        assertThat(tree.find("b/c/file").id()).isEqualTo(4);
        // implied: b, b/c, z, z/y in sorted order from 5
        assertThat(List.of(tree.find("b").id(), tree.find("b/c").id(), tree.find("z").id(), tree.find("z/y").id()))
                .containsExactly(5L, 6L, 7L, 8L);
        assertThat(tree.find("z").isDir()).isTrue();
        assertThat(names(tree, 1)).containsExactly("a", "b", "z");
    }

    @Test
    void hardlinksShareTheTargetsIdAndLaterEntriesWin() {
        LayerTree tree = LayerTree.of(List.of(
                entry("f", EntryType.REG, ""),
                entry("link", EntryType.HARDLINK, "./f"),
                entry("dup", EntryType.REG, ""),
                entry("dup", EntryType.SYMLINK, "f"),
                entry("dangling", EntryType.HARDLINK, "missing")));
        assertThat(tree.find("link").id()).isEqualTo(tree.find("f").id()).isEqualTo(2);
        assertThat(tree.nlink(2)).isEqualTo(2);
        assertThat(tree.find("dup").id()).isEqualTo(5);
        assertThat(tree.find("dup").mode() & LayerTree.S_IFMT).isEqualTo(LayerTree.S_IFLNK);
        assertThat(tree.find("dangling")).isNull();
        assertThat(names(tree, 1)).containsExactly("dup", "f", "link");
    }

    @Test
    void whiteoutsBecomeCharDevicesAndOpaqueMarkersAnXattr() {
        LayerTree tree = LayerTree.of(List.of(
                entry("d/", EntryType.DIR, ""),
                entry("d/.wh..wh..opq", EntryType.REG, ""),
                entry("d/.wh.gone", EntryType.REG, ""),
                entry("d/kept", EntryType.REG, "")));
        LayerTree.Node gone = tree.find("d/gone");
        assertThat(gone.whiteout()).isTrue();
        assertThat(gone.mode()).isEqualTo(LayerTree.S_IFCHR);
        assertThat(names(tree, tree.find("d").id())).containsExactly("gone", "kept");
        assertThat(tree.xattrs(tree.find("d"))).containsExactly(new Xattr(LayerTree.OPAQUE_XATTR, "y"));
    }

    @Test
    void hostileNamesStayInsideTheLayer() {
        LayerTree tree = LayerTree.of(List.of(
                entry("../../etc/passwd", EntryType.REG, ""),
                entry("/abs/x", EntryType.REG, ""),
                entry("a/../../b", EntryType.SYMLINK, "/etc/shadow")));
        assertThat(names(tree, 1)).containsExactly("abs", "b", "etc");
        assertThat(tree.find("etc/passwd")).isNotNull();
        assertThat(tree.find("b").meta().linkname()).isEqualTo("/etc/shadow"); // only link text
    }

    @Test
    void fileXattrsAreTheSchilyRecords() {
        FileMetadata f = new FileMetadata("f", EntryType.REG, 0, 0, "", 0644, 0, 0, "", "", "2024-01-02T03:04:05Z", 0, 0,
                List.of(new Xattr("SCHILY.xattr.user.a", "1"), new Xattr("mtime", "1.5")));
        LayerTree tree = LayerTree.of(List.of(f));
        assertThat(tree.xattrs(tree.find("f"))).containsExactly(new Xattr("user.a", "1"));
    }

    @Test
    void loadsAHundredThousandEntries() {
        List<FileMetadata> files = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) files.add(entry("usr/share/d%d/f%d".formatted(i % 1000, i), EntryType.REG, ""));
        LayerTree tree = LayerTree.of(files);
        assertThat(tree.find("usr/share/d7/f1007").id()).isEqualTo(1009);
        assertThat(tree.children(tree.find("usr/share").id())).hasSize(1000);
    }
}
