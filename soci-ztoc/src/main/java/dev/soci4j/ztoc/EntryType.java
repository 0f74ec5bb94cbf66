package dev.soci4j.ztoc;

import java.util.Optional;

/**
 * The tar entry types a zTOC can hold, with the text the format stores for each
 * ({@code soci-format.md §1}). Any other tar entry type makes a layer un-indexable.
 */
public enum EntryType {
    REG("reg"),
    DIR("dir"),
    SYMLINK("symlink"),
    HARDLINK("hardlink"),
    CHAR("char"),
    BLOCK("block"),
    FIFO("fifo");

    private final String wireName;

    EntryType(String wireName) {
        this.wireName = wireName;
    }

    /** The string stored in the zTOC's {@code type} field. */
    public String wireName() {
        return wireName;
    }

    /** The type stored as {@code wireName}, or empty for a string the format does not define. */
    public static Optional<EntryType> fromWireName(String wireName) {
        for (EntryType t : values()) {
            if (t.wireName.equals(wireName)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
