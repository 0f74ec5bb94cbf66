package dev.soci4j.ztoc;

import java.util.Optional;

/** How a layer's bytes are compressed; the numbers are the FlatBuffers enum values ({@code soci-format.md §1}). */
public enum CompressionAlgorithm {
    /** The schema default: gzip zTOCs carry no algorithm field at all. */
    GZIP(1),
    UNCOMPRESSED(2);

    private final int wireValue;

    CompressionAlgorithm(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    public static Optional<CompressionAlgorithm> fromWireValue(int value) {
        for (CompressionAlgorithm a : values()) {
            if (a.wireValue == value) return Optional.of(a);
        }
        return Optional.empty();
    }
}
