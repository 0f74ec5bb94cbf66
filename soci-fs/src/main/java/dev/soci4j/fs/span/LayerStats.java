package dev.soci4j.fs.span;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one layer's span traffic, for {@code soci mount --stats} and metrics. Thread-safe. */
public final class LayerStats {
    public final AtomicLong bytesFetched = new AtomicLong();
    public final AtomicLong spansOnDemand = new AtomicLong();
    public final AtomicLong spansInBackground = new AtomicLong();
    public final AtomicLong cacheHits = new AtomicLong();
    public final AtomicLong fetchFailures = new AtomicLong();
    public final AtomicLong bytesServed = new AtomicLong();
    /** Size of the layer's zTOC, fetched once at mount (0 for a layer downloaded whole). */
    public final AtomicLong ztocBytes = new AtomicLong();

    /** The counters as {@code name value} pairs, in a stable order. */
    public java.util.Map<String, Long> snapshot() {
        var m = new java.util.LinkedHashMap<String, Long>();
        m.put("bytes_fetched", bytesFetched.get());
        m.put("spans_on_demand", spansOnDemand.get());
        m.put("spans_background", spansInBackground.get());
        m.put("cache_hits", cacheHits.get());
        m.put("fetch_failures", fetchFailures.get());
        m.put("bytes_served", bytesServed.get());
        m.put("ztoc_bytes", ztocBytes.get());
        return m;
    }
}
