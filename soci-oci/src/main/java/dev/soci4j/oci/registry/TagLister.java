package dev.soci4j.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import dev.soci4j.oci.manifest.ManifestJson;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of {@code GET /v2/<name>/tags/list?n=<page>}: the tags and the next page's URI from
 * the {@code Link: <...>; rel="next"} header (distribution-spec "Listing Tags").
 */
final class TagLister implements RegistryEndpoint<TagLister.Page> {
    record Page(List<String> tags, URI next) {}

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_BODY = 16 << 20;

    private final RegistryHost host;
    private final String repository;
    private final URI uri;

    TagLister(RegistryHost host, String repository, int pageSize) {
        this(host, repository, host.uri(repository + "/tags/list?n=" + pageSize));
    }

    TagLister(RegistryHost host, String repository, URI page) {
        this.host = host;
        this.repository = repository;
        this.uri = page;
    }

    @Override
    public String describe() {
        return "list tags of %s/%s".formatted(host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("GET", uri, Scopes.pull(repository));
    }

    @Override
    public Page onSuccess(Response response) throws IOException {
        JsonNode tags = ManifestJson.MAPPER.readTree(response.readBody(MAX_BODY)).path("tags");
        List<String> out = new ArrayList<>();
        if (tags.isArray()) tags.forEach(t -> out.add(t.asText()));
        URI next = null;
        for (String link : response.headers("link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) next = uri.resolve(m.group(1));
        }
        return new Page(out, next);
    }
}
