package dev.soci4j.cli.output;

/**
 * Escapes control characters for a terminal. Tar names are bytes chosen by whoever built the layer: a
 * newline would split one table row or error line into two, an ESC sequence would drive the terminal.
 */
public final class ControlChars {
    private ControlChars() {
    }

    /**
     * {@code a\nb} for a newline, {@code \t}, {@code \r}, {@code \x1b} for ESC and other C0/C1 controls;
     * a backslash is doubled so the escaped form reads back unambiguously. Text without either is
     * returned as is.
     */
    public static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean special = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\\';
            if (special && sb == null) sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            if (sb == null) continue;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (special) sb.append("\\x%02x".formatted((int) c));
                    else sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
