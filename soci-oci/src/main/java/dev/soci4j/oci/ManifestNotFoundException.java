package dev.soci4j.oci;

/** The registry or layout has no manifest under this tag or digest (404, {@code MANIFEST_UNKNOWN}). */
public class ManifestNotFoundException extends RegistryException {
    public ManifestNotFoundException(String action, int status, String detail) {
        super(action, status, detail);
    }
}
