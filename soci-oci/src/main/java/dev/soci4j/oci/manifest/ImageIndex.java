package dev.soci4j.oci.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI image index or a Docker manifest list. Immutable. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageIndex(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) implements Manifest {

    public ImageIndex {
        if (schemaVersion != 2) throw new IllegalArgumentException("index schemaVersion must be 2, got " + schemaVersion);
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        // sorted by key, as in Descriptor, so re-serialized JSON is stable from run to run
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(annotations));
    }

    /** An OCI index of these manifests. */
    public static ImageIndex of(List<Descriptor> manifests) {
        return new ImageIndex(2, MediaTypes.OCI_INDEX, null, manifests, null, Map.of());
    }

    public ImageIndex withManifests(List<Descriptor> newManifests) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, newManifests, subject, annotations);
    }

    /** This index plus {@code descriptor}, unless a descriptor with the same digest is already listed. */
    public ImageIndex adding(Descriptor descriptor) {
        if (find(descriptor.digest()).isPresent()) return this;
        List<Descriptor> merged = new ArrayList<>(manifests);
        merged.add(descriptor);
        return withManifests(merged);
    }

    public Optional<Descriptor> find(Digest digest) {
        return manifests.stream().filter(d -> d.digest().equals(digest)).findFirst();
    }

    /** The first manifest whose platform matches {@code wanted}. */
    public Optional<Descriptor> forPlatform(Platform wanted) {
        return manifests.stream().filter(d -> d.platform() != null && wanted.matches(d.platform())).findFirst();
    }

    @Override
    public Optional<Descriptor> subjectIfAny() {
        return Optional.ofNullable(subject);
    }
}
