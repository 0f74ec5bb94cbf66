package dev.soci4j.index;

/** {@code soci push --existing-index}: what to do when the registry already has a SOCI index v1 for the image (reference semantics). */
public enum ExistingIndexPolicy {
    /** Push anyway, with a warning (the default). */
    WARN,
    /** Do not push when an index exists. */
    SKIP,
    /** Push without checking. */
    ALLOW
}
