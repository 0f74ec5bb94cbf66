package dev.soci4j.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.index.BuildOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderConfigTest {
    static final Path BASE = Path.of("/srv/builder");

    @Test
    void defaultsNeedOnlyASecret() throws Exception {
        BuilderConfig c = BuilderConfig.parse("auth: {secret: 0123456789abcdef}", BASE);
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().path()).isEqualTo("/events");
        assertThat(c.auth().mode()).isEqualTo(BuilderConfig.AuthMode.SECRET);
        assertThat(c.auth().header()).isEqualTo(BuilderConfig.Auth.DEFAULT_SECRET_HEADER);
        assertThat(c.auth().toString()).doesNotContain("0123456789abcdef");
        assertThat(c.filters().include().admits("any/repo", "tag")).isTrue();
        assertThat(c.filters().loopGuard().tagSuffix()).isEqualTo("-soci");
        assertThat(c.build().mode()).isEqualTo(BuilderConfig.Mode.V2);
        assertThat(c.build().options().minLayerSizeBytes()).isEqualTo(BuildOptions.DEFAULT_MIN_LAYER_SIZE_BYTES);
        assertThat(c.queue().kind()).isEqualTo(BuilderConfig.QueueKind.EMBEDDED);
        assertThat(c.queue().dir()).isEqualTo(BASE.resolve("soci-builder-data"));
        assertThat(c.build().storeRoot()).isEqualTo(BASE.resolve("soci-builder-data/store"));
        assertThat(c.queue().workers()).isEqualTo(BuilderConfig.Queue.DEFAULT_WORKERS);
    }

    @Test
    void readsEverySection() throws Exception {
        BuilderConfig c = BuilderConfig.parse("""
                server: {listen: "0.0.0.0:9000", path: /hook, maxBodyBytes: 64KiB}
                auth: {mode: hmac, secret: 0123456789abcdef}
                filters: {include: ["apps/*:v*"], tagSuffix: -lazy}
                build: {mode: v1, minLayerSize: 0, platforms: [linux/arm64]}
                registries: {"reg.example:443": {address: "10.0.0.1:5000", plainHttp: true}}
                queue: {kind: postgres, workers: 4, maxAttempts: 3, backoffBase: 500ms, backoffMax: 10s, lease: 5s,
                        postgres: {url: "jdbc:postgresql://db/soci", user: soci, instanceId: a}}
                """, BASE);
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.server().maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(c.auth().header()).isEqualTo(BuilderConfig.Auth.DEFAULT_HMAC_HEADER);
        assertThat(c.filters().include().admits("apps/x", "v2")).isTrue();
        assertThat(c.build().mode()).isEqualTo(BuilderConfig.Mode.V1);
        assertThat(c.build().platforms().platforms()).hasSize(1);
        assertThat(c.registries().get("reg.example:443").address()).isEqualTo("10.0.0.1:5000");
        assertThat(c.queue().backoffBase()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.queue().postgres().instanceId()).isEqualTo("a");
    }

    @Test
    void rejectsBadValuesByKey() {
        String ok = "auth: {secret: 0123456789abcdef}\n";
        assertThatThrownBy(() -> BuilderConfig.parse("auth: {}", BASE)).isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("auth.secret:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "queue: {workers: 0}", BASE)).hasMessageStartingWith("queue.workers:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "queue: {wrokers: 2}", BASE)).hasMessageStartingWith("queue.wrokers: unknown key");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "build: {mode: v3}", BASE)).hasMessageStartingWith("build.mode:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "build: {mode: v1, inPlace: true}", BASE)).hasMessageStartingWith("build.inPlace:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "filters: {include: [\"a:[b\"]}", BASE)).hasMessageStartingWith("filters.include:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "filters: {tagSuffix: \"\"}", BASE)).hasMessageStartingWith("filters.tagSuffix:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "server: {listen: nope}", BASE)).hasMessageStartingWith("server.listen:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "queue: {lease: soon}", BASE)).hasMessageStartingWith("queue.lease:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "queue: {kind: postgres}", BASE)).hasMessageStartingWith("queue.postgres.url:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "build: {minLayerSize: lots}", BASE)).hasMessageStartingWith("build.minLayerSize:");
        assertThatThrownBy(() -> BuilderConfig.parse(ok + "colour: blue", BASE)).hasMessageStartingWith("colour: unknown key");
    }
}
