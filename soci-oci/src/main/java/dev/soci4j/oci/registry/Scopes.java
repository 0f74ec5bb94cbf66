package dev.soci4j.oci.registry;

/** Token scopes (docker token spec "scope"): {@code repository:<name>:<actions>}. */
final class Scopes {
    private Scopes() {}

    static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    static String delete(String repository) {
        return "repository:" + repository + ":delete";
    }

    /** Mounting needs push on the target and pull on the source, in one token. */
    static String mount(String target, String source) {
        return push(target) + " " + pull(source);
    }
}
