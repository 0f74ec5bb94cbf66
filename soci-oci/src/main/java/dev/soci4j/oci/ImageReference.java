package dev.soci4j.oci;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalized image reference: registry, repository, and a tag and/or a digest. Immutable.
 *
 * <p>Parsing follows the distribution reference grammar (distribution/reference/reference.go) and
 * Docker's normalization (normalize.go): a first path component is a registry only if it holds a
 * {@code .} or a {@code :} or is {@code localhost}; otherwise the registry is {@code docker.io}, and
 * a single-component Docker Hub repository gets {@code library/}. A reference with neither tag nor
 * digest means tag {@code latest}. With both, the digest decides what is pulled.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** Docker Hub's API host: {@code docker.io} itself serves no /v2/. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";
    public static final String DEFAULT_TAG = "latest";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (!HOST.matcher(registry).matches())
            throw new IllegalArgumentException("invalid registry host: " + registry);
        for (String component : repository.split("/", -1))
            if (!COMPONENT.matcher(component).matches())
                throw new IllegalArgumentException("invalid repository name: " + repository);
        if (repository.length() > 255)
            throw new IllegalArgumentException("repository name longer than 255: " + repository);
        if (tag != null && !TAG.matcher(tag).matches())
            throw new IllegalArgumentException("invalid tag: " + tag);
        if (tag == null && digest == null) tag = DEFAULT_TAG;
    }

    /** Parses and normalizes, e.g. {@code nginx} → {@code docker.io/library/nginx:latest}. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty image reference");
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid digest in image reference: " + text, e);
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        String repository = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.equals(first.toLowerCase(java.util.Locale.ROOT))) {
                registry = first;
                repository = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io")) registry = DOCKER_HUB;
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) repository = "library/" + repository;
        try {
            return new ImageReference(registry, repository, tag, digest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid image reference '%s': %s".formatted(text, e.getMessage()), e);
        }
    }

    /** A reference to a repository on a registry, at tag {@code latest}. */
    public static ImageReference of(String registry, String repository) {
        return new ImageReference(registry, repository, null, null);
    }

    /** The host and port to send API requests to. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** What a manifest request names: the digest when there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public Optional<Digest> digestIfAny() {
        return Optional.ofNullable(digest);
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    public ImageReference withRepository(String newRepository) {
        return new ImageReference(registry, newRepository, tag, digest);
    }

    /** {@code registry/repository}, e.g. for messages. */
    public String repositoryPath() {
        return registry + "/" + repository;
    }

    /** The full normalized form: {@code registry/repository[:tag][@digest]}. */
    @Override
    public String toString() {
        return repositoryPath() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
