package dev.soci4j.oci.registry;

import java.nio.file.Path;

/**
 * How to reach one registry host. Immutable.
 *
 * @param plainHttp     speak http:// (as containerd does by default only for localhost)
 * @param insecureTls   accept any certificate and host name (test registries only)
 * @param caCertificate PEM file of extra CA certificates to trust, or null
 */
public record RegistryHostOptions(boolean plainHttp, boolean insecureTls, Path caCertificate) {
    public static final RegistryHostOptions HTTPS = new RegistryHostOptions(false, false, null);
    public static final RegistryHostOptions PLAIN_HTTP = new RegistryHostOptions(true, false, null);

    public RegistryHostOptions {
        if (plainHttp && (insecureTls || caCertificate != null))
            throw new IllegalArgumentException("TLS options make no sense with plain HTTP");
    }

    /** The default for a host: plain HTTP on loopback names (containerd's localhost rule), HTTPS elsewhere. */
    public static RegistryHostOptions defaultFor(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.indexOf(':')) : registry;
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return loopback ? PLAIN_HTTP : HTTPS;
    }
}
