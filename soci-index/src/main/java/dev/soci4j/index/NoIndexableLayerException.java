package dev.soci4j.index;

/**
 * No layer of an image got a zTOC (all below the minimum layer size, or zstd): the reference refuses
 * to write an empty index, and so do we ({@code soci-format.md §4}).
 */
public class NoIndexableLayerException extends UnsupportedImageException {
    public NoIndexableLayerException(String message) {
        super(message);
    }
}
