package dev.soci4j.builder;

import java.io.IOException;

/** A configuration value that cannot be used; the message starts with its key ({@code queue.workers: ...}). */
public class InvalidConfigException extends IOException {
    private final String key;

    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
