/**
 * Registry credentials and authentication: {@link dev.soci4j.oci.auth.Credential}, sources
 * ({@code --user}, {@link dev.soci4j.oci.auth.DockerConfig} with {@code credHelpers}/{@code credsStore}/{@code auths}),
 * {@link dev.soci4j.oci.auth.RegistryAuthenticator} (Basic, Bearer tokens cached per scope). Never logs secrets.
 */
package dev.soci4j.oci.auth;
