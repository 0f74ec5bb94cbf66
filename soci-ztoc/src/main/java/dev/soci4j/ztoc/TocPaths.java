package dev.soci4j.ztoc;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Path names of tar entries made safe for lookups: names are stored as the tar holds them
 * ({@code ./etc/x}, {@code /abs}, {@code a/../../b}), and every lookup goes through
 * {@link #clean(String)}, which resolves {@code .} and {@code ..} lexically inside the layer root,
 * so no name can lead outside it.
 */
public final class TocPaths {
    private TocPaths() {
    }

    /**
     * The layer-relative form of {@code name}: no leading or trailing slash, no empty, {@code .} or
     * {@code ..} parts ({@code ..} at the root stays at the root). The root itself is {@code ""}.
     */
    public static String clean(String name) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /** The cleaned parent of a cleaned path; {@code ""} for top-level names and the root. */
    public static String parent(String cleaned) {
        int slash = cleaned.lastIndexOf('/');
        return slash < 0 ? "" : cleaned.substring(0, slash);
    }
}
