/**
 * Not API: the HTTP steps every registry request takes, in order (see
 * {@link dev.soci4j.oci.http.HttpPipeline#forRegistry}): retry with jittered backoff honouring Retry-After →
 * Range answer checks → redirects (no Authorization to other hosts, at most 20) → registry auth (one challenge)
 * → transport: {@link dev.soci4j.oci.http.SocketTransport} (HTTP/1.1 on socket channels, or TLS sockets for https,
 * keep-alive pool; the default) or {@link dev.soci4j.oci.http.Transport} (java.net.http with {@code Redirect.NEVER}).
 */
package dev.soci4j.oci.http;
