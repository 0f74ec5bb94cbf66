package dev.soci4j.ztoc.tar;

import java.nio.charset.StandardCharsets;

/**
 * The values of one tar entry while its header and the extension headers before it are merged
 * (header first, then PAX records, then GNU long name/link, as in Go's reader). Mutable, scanner-local.
 */
final class EntryFields {
    String name;
    String linkname;
    String uname;
    String gname;
    long uid;
    long gid;
    long size;
    PaxTime mtime;

    EntryFields(TarHeader h) {
        name = new String(h.name(), StandardCharsets.UTF_8);
        linkname = new String(h.linkname(), StandardCharsets.UTF_8);
        uname = new String(h.uname(), StandardCharsets.UTF_8);
        gname = new String(h.gname(), StandardCharsets.UTF_8);
        uid = h.uid();
        gid = h.gid();
        size = h.size();
        mtime = PaxTime.of(h.mtime(), 0);
    }
}
