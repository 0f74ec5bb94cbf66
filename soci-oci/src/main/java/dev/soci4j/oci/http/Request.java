package dev.soci4j.oci.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as the steps see it. Immutable; {@code with*} return copies. Header names are
 * kept lowercase. {@code authScope} is the registry token scope this request needs (e.g.
 * {@code repository:app:pull}), or null for none. {@code whileWaiting}, or null: see
 * {@link #whileWaiting(Runnable)}.
 */
public record Request(String method, URI uri, Map<String, List<String>> headers, RequestBody body, String authScope, Runnable whileWaiting) {
    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (headers != null) headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body == null ? RequestBody.NONE : body;
    }

    public Request(String method, URI uri, Map<String, List<String>> headers, RequestBody body, String authScope) {
        this(method, uri, headers, body, authScope, null);
    }

    public static Request of(String method, URI uri, String authScope) {
        return new Request(method, uri, Map.of(), RequestBody.NONE, authScope);
    }

    /**
     * With work for the sending thread once the request is out and before the answer's head is read,
     * time it would otherwise spend blocked: a 4 MiB Range read allocates (zeroes) its result there,
     * ~0.4 ms that a registry's ~3 ms to first byte hides. {@link SocketTransport} runs it on the
     * calling thread after each send (so maybe more than once: make it idempotent); a transport may
     * also never run it, so the caller must not depend on it.
     */
    public Request whileWaiting(Runnable task) {
        return new Request(method, uri, headers, body, authScope, task);
    }

    public Request withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new Request(method, uri, copy, body, authScope, whileWaiting);
    }

    public Request addingHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        values.add(value);
        copy.put(name.toLowerCase(Locale.ROOT), values);
        return new Request(method, uri, copy, body, authScope, whileWaiting);
    }

    public Request withoutHeader(String name) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.remove(name.toLowerCase(Locale.ROOT));
        return new Request(method, uri, copy, body, authScope, whileWaiting);
    }

    public Request withUri(URI newUri) {
        return new Request(method, newUri, headers, body, authScope, whileWaiting);
    }

    public Request withMethod(String newMethod, RequestBody newBody) {
        return new Request(newMethod, uri, headers, newBody, authScope, whileWaiting);
    }

    public Request withBody(RequestBody newBody) {
        return new Request(method, uri, headers, newBody, authScope, whileWaiting);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** {@code host:port} with the scheme's default port filled in, to tell hosts apart. */
    public static String authority(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** For logs and messages: method and URL without the query (which may hold signatures). */
    @Override
    public String toString() {
        return method + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }
}
