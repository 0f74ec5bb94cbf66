package dev.soci4j.oci;

/** The registry refused the credentials (401 after authenticating) or the permission (403). */
public class RegistryUnauthorizedException extends RegistryException {
    public RegistryUnauthorizedException(String action, int status, String detail) {
        super(action, status, detail);
    }
}
