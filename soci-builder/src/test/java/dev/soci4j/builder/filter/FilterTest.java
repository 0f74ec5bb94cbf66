package dev.soci4j.builder.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.builder.event.ManifestPushed;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.RawManifest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterTest {
    static final Digest D = Digest.parse("sha256:" + "cd".repeat(32));

    @Test
    void globsAreShellStyle() {
        assertThat(Glob.compile("*").matches("library/nginx")).isTrue();
        assertThat(Glob.compile("v?.*").matches("v1.2")).isTrue();
        assertThat(Glob.compile("v?.*").matches("v10.2")).isFalse();
        assertThat(Glob.compile("[!d]*").matches("dev")).isFalse();
        assertThat(Glob.compile("[a-c]x").matches("bx")).isTrue();
        assertThat(Glob.compile("a.b").matches("axb")).isFalse();
        assertThatThrownBy(() -> Glob.compile("[abc")).hasMessageContaining("unclosed");
    }

    @Test
    void repoTagPatternsAnyOfWhichAdmits() {
        RepoTagFilter f = RepoTagFilter.of(List.of("apps/*:v*", "library/nginx"));
        assertThat(f.admits("apps/web", "v1")).isTrue();
        assertThat(f.admits("apps/web", "latest")).isFalse();
        assertThat(f.admits("library/nginx", "anything")).isTrue();
        assertThat(f.admits("other", "v1")).isFalse();
        assertThat(RepoTagFilter.of(RepoTagFilter.DEFAULT_PATTERNS).admits("a/b/c", "x")).isTrue();
    }

    @Test
    void ownTagsNeverTriggerBuilds() {
        PushFilter filter = new PushFilter(RepoTagFilter.of(List.of("*:*")), new LoopGuard("-soci"));
        assertThat(filter.rejection(push("app", "v1"))).isEmpty();
        assertThat(filter.rejection(push("app", "v1-soci"))).get().asString().contains("-soci");
        assertThat(filter.rejection(push("app", "sha256-" + "ab".repeat(32)))).get().asString().contains("fallback");
        assertThat(new PushFilter(RepoTagFilter.of(List.of("x:*")), new LoopGuard("-soci")).rejection(push("app", "v1")))
                .get().asString().startsWith("no filter matches");
    }

    @Test
    void ownContentIsRecognised() throws Exception {
        RawManifest plain = new RawManifest(MediaTypes.OCI_MANIFEST, json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":1},"layers":[]}""".formatted(D)));
        assertThat(LoopGuard.ownContent(plain)).isEmpty();
        RawManifest converted = new RawManifest(MediaTypes.OCI_MANIFEST, json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%1$s","size":1},"layers":[],
                 "annotations":{"com.amazon.soci.index-digest":"%1$s"}}""".formatted(D)));
        assertThat(LoopGuard.ownContent(converted)).isPresent();
        RawManifest index = new RawManifest(MediaTypes.OCI_INDEX, json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s","size":1,"artifactType":"application/vnd.amazon.soci.index.v2+json"}]}""".formatted(D)));
        assertThat(LoopGuard.ownContent(index)).get().asString().contains("index");
        RawManifest soci = new RawManifest(MediaTypes.OCI_MANIFEST, json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.amazon.soci.index.v2+json","digest":"%s","size":2},"layers":[]}""".formatted(D)));
        assertThat(LoopGuard.ownContent(soci)).get().asString().contains("SOCI index manifest");
    }

    static ManifestPushed push(String repo, String tag) {
        return new ManifestPushed("distribution", "reg", repo, tag, D, "");
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
