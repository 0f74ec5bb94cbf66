package dev.soci4j.oci.auth;

import java.util.Objects;

/** What we can show a registry or its token service. Immutable; {@code toString} never shows secrets. */
public sealed interface Credential {
    Credential ANONYMOUS = new Anonymous();

    record Anonymous() implements Credential {}

    record UsernamePassword(String username, String password) implements Credential {
        public UsernamePassword {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** Parses {@code user:password} as given to {@code --user}. */
        public static UsernamePassword parse(String userColonPassword) {
            int colon = userColonPassword.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("credentials must be user:password (user '" +
                    (colon < 0 ? userColonPassword : "") + "')");
            return new UsernamePassword(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
        }

        @Override
        public String toString() {
            return "UsernamePassword[" + username + ", ****]";
        }
    }

    /** An OAuth2 refresh token (docker config {@code identitytoken}, helper user {@code <token>}). */
    record IdentityToken(String token) implements Credential {
        public IdentityToken {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "IdentityToken[****]";
        }
    }
}
