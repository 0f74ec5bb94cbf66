package dev.soci4j.ztoc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One tar entry of a layer as the zTOC records it ({@code soci-format.md §1}). Immutable.
 *
 * @param name               the name as stored in the tar (after PAX / GNU long-name resolution),
 *                           never cleaned: it may hold {@code ..} or start with {@code /}
 * @param type               the entry type
 * @param uncompressedOffset offset of the entry's first data byte in the uncompressed tar stream
 * @param uncompressedSize   the tar size field
 * @param linkname           link target for symlinks and hardlinks, else empty
 * @param mode               the raw tar mode (permission bits plus setuid/setgid/sticky)
 * @param uid                owner id, an unsigned 32-bit value
 * @param gid                group id, an unsigned 32-bit value
 * @param modTime            RFC 3339 text as stored, e.g. {@code 2023-07-18T09:09:33.5Z}
 * @param xattrs             every PAX record of the entry, sorted by key
 */
public record FileMetadata(
        String name,
        EntryType type,
        long uncompressedOffset,
        long uncompressedSize,
        String linkname,
        long mode,
        long uid,
        long gid,
        String uname,
        String gname,
        String modTime,
        long devmajor,
        long devminor,
        List<Xattr> xattrs) {

    /** Go's zero time, which the reference writes when a tar entry has no usable mtime. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    public FileMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        linkname = Objects.requireNonNullElse(linkname, "");
        uname = Objects.requireNonNullElse(uname, "");
        gname = Objects.requireNonNullElse(gname, "");
        modTime = Objects.requireNonNullElse(modTime, ZERO_TIME);
        xattrs = List.copyOf(xattrs);
        if (uncompressedOffset < 0 || uncompressedSize < 0)
            throw new IllegalArgumentException("entry %s: negative offset %d or size %d"
                    .formatted(name, uncompressedOffset, uncompressedSize));
        if (uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL)
            throw new IllegalArgumentException("entry %s: uid %d / gid %d out of the unsigned 32-bit range"
                    .formatted(name, uid, gid));
    }

    /** End of the entry's data in the uncompressed stream (exclusive). */
    public long uncompressedEnd() {
        return uncompressedOffset + uncompressedSize;
    }

    /** The value of PAX record {@code key}, if the entry has one. */
    public Optional<Xattr> paxRecord(String key) {
        for (Xattr x : xattrs) {
            if (x.key().equals(key)) return Optional.of(x);
        }
        return Optional.empty();
    }

    /** The file extended attributes: {@code SCHILY.xattr.<name>} PAX records with the prefix stripped. */
    public List<Xattr> fileXattrs() {
        return xattrs.stream()
                .filter(x -> x.key().startsWith(Xattr.SCHILY_XATTR_PREFIX)
                        && x.key().length() > Xattr.SCHILY_XATTR_PREFIX.length())
                .map(x -> new Xattr(x.key().substring(Xattr.SCHILY_XATTR_PREFIX.length()), x.value()))
                .toList();
    }

    /** {@link #modTime} parsed; readers accept any zone offset. Empty when the text is not RFC 3339. */
    public Optional<Instant> modTimeInstant() {
        try {
            return Optional.of(OffsetDateTime.parse(modTime).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
