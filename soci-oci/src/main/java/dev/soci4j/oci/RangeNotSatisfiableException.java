package dev.soci4j.oci;

/** A Range request asked for bytes the blob does not have (416), or the answer did not cover the range. */
public class RangeNotSatisfiableException extends RegistryException {
    public RangeNotSatisfiableException(String action, int status, String detail) {
        super(action, status, detail);
    }
}
