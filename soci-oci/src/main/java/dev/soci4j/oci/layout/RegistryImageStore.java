package dev.soci4j.oci.layout;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;

/** A registry repository as an {@link ImageStore}. Thread-safe as the client is. */
public final class RegistryImageStore implements ImageStore {
    private final RegistryClient client;
    private final ImageReference repository;

    public RegistryImageStore(RegistryClient client, ImageReference repository) {
        this.client = client;
        this.repository = repository;
    }

    @Override
    public RawManifest manifest(String reference) throws IOException {
        return client.pullManifest(reference.startsWith(Digest.ALGORITHM + ":")
                ? repository.withDigest(Digest.parse(reference)) : repository.withTag(reference));
    }

    @Override
    public boolean hasBlob(Descriptor blob) throws IOException {
        return client.blobSize(repository, blob.digest()).isPresent();
    }

    @Override
    public void fetchBlob(Descriptor blob, Path target) throws IOException {
        client.pullBlob(repository, blob, target);
    }

    @Override
    public ReadableByteChannel openBlob(Descriptor blob) throws IOException {
        return client.openBlob(repository, blob);
    }

    @Override
    public void putBlob(Descriptor blob, Path file) throws IOException {
        client.pushBlob(repository, blob, file);
    }

    @Override
    public void putBlob(Descriptor blob, ReadableByteChannel body) throws IOException {
        client.pushBlob(repository, blob, body);
    }

    @Override
    public void putManifest(RawManifest manifest, String tag) throws IOException {
        client.pushManifest(tag == null ? repository.withDigest(manifest.digest()) : repository.withTag(tag), manifest);
    }

    @Override
    public List<Descriptor> referrers(Digest subject) throws IOException {
        return client.listReferrers(repository, subject, null).manifests();
    }

    @Override
    public String describe() {
        return repository.repositoryPath();
    }
}
