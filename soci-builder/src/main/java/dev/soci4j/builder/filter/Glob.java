package dev.soci4j.builder.filter;

import java.util.regex.Pattern;

/**
 * A shell-style glob: {@code *} any run of characters (including '/', so {@code *} matches
 * {@code library/nginx}), {@code ?} one character, {@code [abc]}/{@code [a-z]}/{@code [!a-z]} one of a
 * set; everything else literal. Immutable.
 */
public record Glob(String pattern, Pattern regex) {
    public static Glob compile(String pattern) {
        if (pattern == null || pattern.isEmpty()) throw new IllegalArgumentException("empty glob");
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int end = pattern.indexOf(']', i + 2);
                    if (end < 0) throw new IllegalArgumentException("glob '" + pattern + "': unclosed '[' at " + i);
                    String set = pattern.substring(i + 1, end);
                    boolean negate = set.startsWith("!");
                    if (negate) set = set.substring(1);
                    re.append('[').append(negate ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(pattern, Pattern.compile(re.toString()));
    }

    public boolean matches(String text) {
        return regex.matcher(text).matches();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
