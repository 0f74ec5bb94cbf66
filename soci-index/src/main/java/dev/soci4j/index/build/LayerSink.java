package dev.soci4j.index.build;

import dev.soci4j.oci.Descriptor;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/**
 * Where a layer's bytes go while the index builder reads them: the destination of a convert to
 * another repository or layout, so each layer is read from the source once. Implementations are
 * thread-safe (layers stream in parallel).
 */
public interface LayerSink {
    /** Whether the destination still needs the layer's bytes: false when it has the blob or mounted it. */
    boolean needs(Descriptor layer) throws IOException;

    /**
     * Stores the layer read from {@code body}; publishes it only after {@code body} ended cleanly
     * (verified), nothing on a failure. Does not close {@code body}.
     */
    void put(Descriptor layer, ReadableByteChannel body) throws IOException;
}
