package dev.soci4j.oci;

/** The registry or layout has no blob with this digest (404, {@code BLOB_UNKNOWN}). */
public class BlobNotFoundException extends RegistryException {
    public BlobNotFoundException(String action, int status, String detail) {
        super(action, status, detail);
    }
}
