package dev.soci4j.builder.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventParserTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void distributionEnvelopeKeepsOnlyTaggedManifestPushes() throws Exception {
        String body = """
                {"events":[
                 {"action":"push","target":{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%1$s","repository":"app"},"request":{"host":"reg:5000"}},
                 {"action":"pull","target":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%1$s","repository":"app","tag":"v1"},"request":{"host":"reg:5000"}},
                 {"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s","repository":"app"},"request":{"host":"reg:5000"}},
                 {"action":"push","target":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%1$s","repository":"team/app","tag":"v1",
                   "url":"http://other:5000/v2/team/app/manifests/%1$s"},"request":{"host":"reg:5000"}}
                ]}""".formatted(DIGEST);
        List<RegistryEvent> events = EventParser.parse(bytes(body));
        assertThat(events).hasSize(4);
        assertThat(events.subList(0, 3)).extracting(e -> ((OtherEvent) e).what()).containsExactly("blob push", "pull", "untagged push");
        assertThat(events.get(3)).isEqualTo(new ManifestPushed("distribution", "reg:5000", "team/app", "v1",
                dev.soci4j.oci.Digest.parse(DIGEST), "application/vnd.oci.image.index.v1+json"));
    }

    @Test
    void distributionFallsBackToTheTargetUrlForTheHost() throws Exception {
        String body = """
                {"events":[{"action":"push","target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%1$s",
                 "repository":"app","tag":"latest","url":"http://127.0.0.1:5000/v2/app/manifests/%1$s"}}]}""".formatted(DIGEST);
        assertThat(((ManifestPushed) EventParser.parse(bytes(body)).getFirst()).registry()).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void harborPushArtifact() throws Exception {
        String body = """
                {"type":"PUSH_ARTIFACT","occur_at":1700000000,"operator":"admin","event_data":{
                 "resources":[{"digest":"%s","tag":"1.2","resource_url":"harbor.example.com/library/app:1.2"}],
                 "repository":{"name":"app","namespace":"library","repo_full_name":"library/app","repo_type":"private"}}}""".formatted(DIGEST);
        assertThat(EventParser.parse(bytes(body))).containsExactly(
                new ManifestPushed("harbor", "harbor.example.com", "library/app", "1.2", dev.soci4j.oci.Digest.parse(DIGEST), ""));
        assertThat(EventParser.parse(bytes("{\"type\":\"PULL_ARTIFACT\",\"occur_at\":1,\"event_data\":{}}")))
                .containsExactly(new OtherEvent("harbor", "PULL_ARTIFACT"));
    }

    @Test
    void eventBridgeEcrImageAction() throws Exception {
        String body = """
                {"version":"0","id":"1","detail-type":"ECR Image Action","source":"aws.ecr","account":"123456789012","time":"2024-01-01T00:00:00Z",
                 "region":"eu-west-1","resources":[],"detail":{"result":"SUCCESS","repository-name":"apps/web","image-digest":"%s",
                 "action-type":"PUSH","image-tag":"v3"}}""".formatted(DIGEST);
        assertThat(EventParser.parse(bytes(body))).containsExactly(new ManifestPushed("ecr", "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                "apps/web", "v3", dev.soci4j.oci.Digest.parse(DIGEST), ""));
        assertThat(EventParser.parse(bytes(body.replace("SUCCESS", "FAILURE")))).containsExactly(new OtherEvent("ecr", "push failure"));
        assertThat(EventParser.parse(bytes(body.replace("\"PUSH\"", "\"DELETE\"")))).containsExactly(new OtherEvent("ecr", "delete"));
    }

    @Test
    void rejectsMalformedBodies() {
        assertThatThrownBy(() -> EventParser.parse(bytes("{not json"))).isInstanceOf(MalformedEventException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> EventParser.parse(bytes("[1,2]"))).isInstanceOf(MalformedEventException.class).hasMessageContaining("object");
        assertThatThrownBy(() -> EventParser.parse(bytes("{\"hello\":1}"))).isInstanceOf(MalformedEventException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> EventParser.parse(bytes("{\"events\":{}}"))).isInstanceOf(MalformedEventException.class).hasMessageContaining("array");
        assertThatThrownBy(() -> EventParser.parse(bytes("""
                {"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:zz","repository":"a","tag":"t"},"request":{"host":"r"}}]}""")))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("events[0]: bad digest");
    }
}
