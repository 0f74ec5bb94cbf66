package dev.soci4j.index;

import java.io.IOException;

/** The input is not an image SOCI can index: a non-image artifact, an unknown media type, a platform the image lacks. */
public class UnsupportedImageException extends IOException {
    public UnsupportedImageException(String message) {
        super(message);
    }
}
