package dev.soci4j.ztoc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One PAX record of a tar entry, as the zTOC stores it (the field is named {@code xattrs} but holds
 * every PAX record: {@code path}, {@code mtime}, {@code SCHILY.xattr.*} ...). The value is kept as raw
 * bytes because file xattrs such as {@code security.capability} are binary. Immutable.
 */
public record Xattr(String key, byte[] value) {
    /** PAX records whose key starts with this are file extended attributes (prefix stripped at mount time). */
    public static final String SCHILY_XATTR_PREFIX = "SCHILY.xattr.";

    public Xattr {
        Objects.requireNonNull(key, "key");
        value = Objects.requireNonNull(value, "value").clone();
    }

    public Xattr(String key, String value) {
        this(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value decoded as UTF-8 (PAX records are UTF-8 text, xattr values may not be). */
    public String valueString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    public int valueLength() {
        return value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && key.equals(x.key) && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String v = valueString();
        boolean printable = Arrays.equals(v.getBytes(StandardCharsets.UTF_8), value)
                && v.chars().allMatch(c -> c >= 0x20 && c != 0x7f);
        return key + "=" + (printable ? v : "0x" + HexFormat.of().formatHex(value));
    }
}
