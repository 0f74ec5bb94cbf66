package dev.soci4j.builder.filter;

import java.util.List;

/**
 * {@code repository:tag} globs, any of which admits an image (AWS's SOCI index builder filters).
 * A pattern without ':' means every tag of the matching repositories. Immutable.
 */
public record RepoTagFilter(List<String> patterns, List<Glob> repositories, List<Glob> tags) {
    /** Everything: {@code *:*}. */
    public static final List<String> DEFAULT_PATTERNS = List.of("*:*");

    public RepoTagFilter {
        patterns = List.copyOf(patterns);
        repositories = List.copyOf(repositories);
        tags = List.copyOf(tags);
    }

    /** Compiles patterns; a bad one is an {@link IllegalArgumentException} naming it. */
    public static RepoTagFilter of(List<String> patterns) {
        if (patterns.isEmpty()) throw new IllegalArgumentException("no repository:tag pattern (use *:* for everything)");
        List<Glob> repos = new java.util.ArrayList<>();
        List<Glob> tags = new java.util.ArrayList<>();
        for (String p : patterns) {
            int colon = p.lastIndexOf(':');
            String repo = colon < 0 ? p : p.substring(0, colon);
            String tag = colon < 0 ? "*" : p.substring(colon + 1);
            try {
                repos.add(Glob.compile(repo));
                tags.add(Glob.compile(tag));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pattern '" + p + "': " + e.getMessage(), e);
            }
        }
        return new RepoTagFilter(patterns, repos, tags);
    }

    public boolean admits(String repository, String tag) {
        for (int i = 0; i < repositories.size(); i++) {
            if (repositories.get(i).matches(repository) && tags.get(i).matches(tag)) return true;
        }
        return false;
    }
}
