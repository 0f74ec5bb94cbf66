package dev.soci4j.oci.http;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Supplies {@code Authorization} values for one registry host. Implementations are thread-safe. */
public interface Authenticator {
    /** Anonymous access: never sends credentials, answers no challenge. */
    Authenticator NONE = new Authenticator() {
        @Override public Optional<String> authorizationFor(URI uri, String scope) { return Optional.empty(); }
        @Override public Optional<String> respondTo(URI uri, String scope, List<String> challenges) { return Optional.empty(); }
        @Override public boolean appliesTo(URI uri) { return false; }
    };

    /** Whether requests to this URI go to the registry this authenticator serves. */
    boolean appliesTo(URI uri);

    /** A value to send before any challenge (cached token or known Basic), if there is one. */
    Optional<String> authorizationFor(URI uri, String scope) throws IOException;

    /** Answers the {@code WWW-Authenticate} challenges of a 401; empty when there is nothing to offer. */
    Optional<String> respondTo(URI uri, String scope, List<String> challenges) throws IOException;
}
