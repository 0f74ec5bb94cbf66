package dev.soci4j.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @Test
    void resolvesHelpersThenStoreThenAuths(@TempDir Path dir) throws Exception {
        Path helper = dir.resolve("docker-credential-fake");
        // echoes back which server it was asked about; "nothing.example" is unknown to it
        Files.writeString(helper, """
                #!/bin/sh
                read server
                case "$server" in
                  nothing.example) echo "credentials not found in native keychain"; exit 1;;
                  tok.example) echo '{"ServerURL":"tok.example","Username":"<token>","Secret":"refresh"}';;
                  *) echo "{\\"ServerURL\\":\\"$server\\",\\"Username\\":\\"helper-user\\",\\"Secret\\":\\"helper-pass\\"}";;
                esac
                """);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        String auth = Base64.getEncoder().encodeToString("u:p:with:colons".getBytes());
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"auths": {"https://index.docker.io/v1/": {"auth": "%s"}, "plain.example": {"username": "a", "password": "b"}},
                 "credHelpers": {"helped.example:5000": "fake", "tok.example": "fake", "nothing.example": "fake"}}
                """.formatted(auth));
        DockerConfig docker = DockerConfig.load(config, dir);
        assertThat(docker.credentialFor("docker.io")).isEqualTo(new Credential.UsernamePassword("u", "p:with:colons"));
        assertThat(docker.credentialFor("plain.example")).isEqualTo(new Credential.UsernamePassword("a", "b"));
        assertThat(docker.credentialFor("helped.example:5000")).isEqualTo(new Credential.UsernamePassword("helper-user", "helper-pass"));
        assertThat(docker.credentialFor("tok.example")).isEqualTo(new Credential.IdentityToken("refresh"));
        assertThat(docker.credentialFor("nothing.example")).isEqualTo(Credential.ANONYMOUS);
        assertThat(docker.credentialFor("unknown.example")).isEqualTo(Credential.ANONYMOUS);
        assertThat(new Credential.UsernamePassword("u", "secret").toString()).doesNotContain("secret");
    }
}
