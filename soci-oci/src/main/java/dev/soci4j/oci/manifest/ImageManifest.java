package dev.soci4j.oci.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An OCI image/artifact manifest or a Docker v2 schema 2 manifest. Immutable. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) implements Manifest {

    public ImageManifest {
        if (schemaVersion != 2) throw new IllegalArgumentException("manifest schemaVersion must be 2, got " + schemaVersion);
        Objects.requireNonNull(config, "manifest config");
        layers = layers == null ? List.of() : List.copyOf(layers);
        // sorted by key, as in Descriptor, so re-serialized JSON is stable from run to run
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(annotations));
    }

    /** An OCI manifest with these parts. */
    public static ImageManifest of(Descriptor config, List<Descriptor> layers) {
        return new ImageManifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, Map.of());
    }

    public ImageManifest withSubject(Descriptor newSubject) {
        return new ImageManifest(schemaVersion, mediaType, artifactType, config, layers, newSubject, annotations);
    }

    public ImageManifest withArtifactType(String newArtifactType) {
        return new ImageManifest(schemaVersion, mediaType, newArtifactType, config, layers, subject, annotations);
    }

    public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
        return new ImageManifest(schemaVersion, mediaType, artifactType, config, layers, subject, newAnnotations);
    }

    @Override
    public Optional<Descriptor> subjectIfAny() {
        return Optional.ofNullable(subject);
    }

    /** The artifact type as the referrers API reports it: artifactType, else the config's media type. */
    public String effectiveArtifactType() {
        return artifactType != null ? artifactType : config.mediaType();
    }
}
