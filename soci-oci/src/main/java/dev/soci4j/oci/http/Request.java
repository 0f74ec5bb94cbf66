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
 * {@code repository:app:pull}), or null for none.
 */
public record Request(String method, URI uri, Map<String, List<String>> headers, RequestBody body, String authScope) {
    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (headers != null) headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body == null ? RequestBody.NONE : body;
    }

    public static Request of(String method, URI uri, String authScope) {
        return new Request(method, uri, Map.of(), RequestBody.NONE, authScope);
    }

    public Request withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new Request(method, uri, copy, body, authScope);
    }

    public Request addingHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        values.add(value);
        copy.put(name.toLowerCase(Locale.ROOT), values);
        return new Request(method, uri, copy, body, authScope);
    }

    public Request withoutHeader(String name) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.remove(name.toLowerCase(Locale.ROOT));
        return new Request(method, uri, copy, body, authScope);
    }

    public Request withUri(URI newUri) {
        return new Request(method, newUri, headers, body, authScope);
    }

    public Request withMethod(String newMethod, RequestBody newBody) {
        return new Request(newMethod, uri, headers, newBody, authScope);
    }

    public Request withBody(RequestBody newBody) {
        return new Request(method, uri, headers, newBody, authScope);
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
