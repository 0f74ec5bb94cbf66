package dev.soci4j.oci.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge (RFC 9110 §11.6.1): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"}.
 * Immutable; the scheme is lowercase, parameter names too.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Parses one header value, which may hold several challenges. */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> out = new ArrayList<>();
        int i = 0, n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) i++;
            int start = i;
            while (i < n && header.charAt(i) != ' ' && header.charAt(i) != '=' && header.charAt(i) != ',') i++;
            String token = header.substring(start, i);
            if (token.isEmpty()) break;
            int j = i;
            while (j < n && header.charAt(j) == ' ') j++;
            if (j < n && header.charAt(j) == '=' && scheme != null) {
                i = j + 1;
                while (i < n && header.charAt(i) == ' ') i++;
                StringBuilder value = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    for (i++; i < n && header.charAt(i) != '"'; i++) {
                        if (header.charAt(i) == '\\' && i + 1 < n) i++;
                        value.append(header.charAt(i));
                    }
                    i++;
                } else {
                    while (i < n && header.charAt(i) != ',') value.append(header.charAt(i++));
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString().strip());
            } else {
                if (scheme != null) out.add(new AuthChallenge(scheme, params));
                scheme = token;
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) out.add(new AuthChallenge(scheme, params));
        return out;
    }
}
