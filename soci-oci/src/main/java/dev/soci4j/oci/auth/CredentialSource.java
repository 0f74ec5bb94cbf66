package dev.soci4j.oci.auth;

import java.io.IOException;

/** Finds the credential for a registry host ({@code host[:port]}, {@code docker.io} for Docker Hub). */
@FunctionalInterface
public interface CredentialSource {
    CredentialSource ANONYMOUS = registry -> Credential.ANONYMOUS;

    Credential credentialFor(String registry) throws IOException;

    /** The same credential for every registry, as {@code --user} gives. */
    static CredentialSource of(Credential credential) {
        return registry -> credential;
    }

    /** The first source that has a non-anonymous credential for the registry. */
    static CredentialSource firstOf(CredentialSource... sources) {
        return registry -> {
            for (CredentialSource source : sources) {
                Credential c = source.credentialFor(registry);
                if (!(c instanceof Credential.Anonymous)) return c;
            }
            return Credential.ANONYMOUS;
        };
    }
}
