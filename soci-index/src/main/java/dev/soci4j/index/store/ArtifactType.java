package dev.soci4j.index.store;

/** What a store record describes. */
public enum ArtifactType {
    /** A SOCI index manifest (v1 or v2). */
    INDEX,
    /** A zTOC blob. */
    ZTOC;

    /** The lowercase name used in records and CLI output. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
