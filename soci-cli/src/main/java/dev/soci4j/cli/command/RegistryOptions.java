package dev.soci4j.cli.command;

import dev.soci4j.index.ImageLocation;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.auth.DockerConfig;
import dev.soci4j.oci.registry.RegistryHostOptions;
import java.io.IOException;
import java.util.Collection;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The registry flags of every command that talks to a registry (the reference CLI's names), and the
 * parsing of image arguments. Credentials: {@code -u} when given, else the docker config.
 */
public final class RegistryOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--plain-http", description = "Talk to the registries named on the command line over plain HTTP (loopback registries always are).")
    boolean plainHttp;

    @Option(names = {"-k", "--insecure"}, description = "Accept any TLS certificate and host name from those registries (test registries only).")
    boolean insecure;

    @Option(names = {"-u", "--user"}, paramLabel = "USER:PASSWORD",
            description = "Registry credentials (default: the docker config, $DOCKER_CONFIG/config.json or ~/.docker/config.json).")
    String user;

    /** Parses an image argument ({@code registry/repo:tag}, {@code docker://...}, {@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]}); a bad one is a usage error. */
    ImageLocation location(String text, String label) {
        try {
            return ImageLocation.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "bad %s '%s': %s".formatted(label, text, e.getMessage()));
        }
    }

    /** A client for the registries among {@code locations}, with these flags applied to each; the caller closes it. */
    RegistryClient client(Collection<ImageLocation> locations) throws IOException {
        if (plainHttp && insecure)
            throw new ParameterException(spec.commandLine(), "--plain-http and --insecure exclude each other (--insecure is about TLS)");
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials());
        RegistryHostOptions options = plainHttp ? RegistryHostOptions.PLAIN_HTTP
                : insecure ? new RegistryHostOptions(false, true, null) : null;
        if (options != null) {
            for (ImageLocation location : locations)
                if (location instanceof ImageLocation.Registry r) builder.hostOptions(r.reference().registry(), options);
        }
        return builder.build();
    }

    private CredentialSource credentials() throws IOException {
        if (user == null) return DockerConfig.load();
        try {
            return CredentialSource.of(Credential.UsernamePassword.parse(user));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--user: " + e.getMessage());
        }
    }
}
