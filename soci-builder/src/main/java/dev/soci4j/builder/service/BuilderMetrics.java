package dev.soci4j.builder.service;

import dev.soci4j.builder.queue.BuildListener;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The builder's Prometheus metrics, rendered in the text exposition format (version 0.0.4) by hand:
 * events received (by sender) and filtered (by reason), HTTP rejections (by status), builds by outcome,
 * a build duration histogram, and the queue depth. Thread-safe.
 */
public final class BuilderMetrics implements BuildListener {
    /** Seconds; a small image indexes in well under a second, the lab's 1 GiB layer in about ten. */
    static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> filtered = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> builds = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final long[] bucketCounts = new long[BUCKETS.length];
    private long durationCount;
    private double durationSum;
    private final AtomicLong lastDepth = new AtomicLong();
    private volatile LongSupplier queueDepth = () -> -1;

    public void queueDepth(LongSupplier depth) {
        this.queueDepth = depth;
    }

    public void received(String source) {
        received.computeIfAbsent(source, k -> new LongAdder()).increment();
    }

    public void filtered(String reason) {
        filtered.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    public void rejected(int status) {
        rejected.computeIfAbsent(String.valueOf(status), k -> new LongAdder()).increment();
    }

    public void queued(int added, int dup) {
        accepted.add(added);
        duplicates.add(dup);
    }

    @Override
    public void built(Duration took) {
        count("ok");
        observe(took);
    }

    @Override
    public void skipped(Duration took) {
        count("skipped");
        observe(took);
    }

    @Override
    public void retried() {
        count("retried");
    }

    @Override
    public void failed() {
        count("failed");
    }

    private void count(String outcome) {
        builds.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    private synchronized void observe(Duration took) {
        double s = took.toNanos() / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) if (s <= BUCKETS[i]) bucketCounts[i]++;
        durationCount++;
        durationSum += s;
    }

    /** Builds with this outcome ({@code ok}, {@code skipped}, {@code retried}, {@code failed}) so far. */
    public long builds(String outcome) {
        LongAdder a = builds.get(outcome);
        return a == null ? 0 : a.sum();
    }

    public long accepted() {
        return accepted.sum();
    }

    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        family(out, "soci_builder_events_received_total", "counter", "Notification events received, by sender format.", "source", received);
        family(out, "soci_builder_events_filtered_total", "counter", "Events that started no build, by reason.", "reason", filtered);
        family(out, "soci_builder_requests_rejected_total", "counter", "Notification requests rejected, by HTTP status.", "status", rejected);
        out.append("# HELP soci_builder_jobs_queued_total Builds queued (new digests).\n# TYPE soci_builder_jobs_queued_total counter\n")
                .append("soci_builder_jobs_queued_total ").append(accepted.sum()).append('\n');
        out.append("# HELP soci_builder_jobs_duplicate_total Pushes of a digest already queued or built.\n# TYPE soci_builder_jobs_duplicate_total counter\n")
                .append("soci_builder_jobs_duplicate_total ").append(duplicates.sum()).append('\n');
        family(out, "soci_builder_builds_total", "counter", "Build attempts by outcome (ok, skipped, retried, failed).", "outcome", builds);
        out.append("# HELP soci_builder_build_duration_seconds Duration of builds that finished (built or skipped).\n")
                .append("# TYPE soci_builder_build_duration_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++)
            out.append("soci_builder_build_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(bucketCounts[i]).append('\n');
        out.append("soci_builder_build_duration_seconds_bucket{le=\"+Inf\"} ").append(durationCount).append('\n')
                .append("soci_builder_build_duration_seconds_sum ").append(durationSum).append('\n')
                .append("soci_builder_build_duration_seconds_count ").append(durationCount).append('\n');
        long depth;
        try {
            depth = queueDepth.getAsLong();
            lastDepth.set(depth);
        } catch (RuntimeException e) {
            depth = lastDepth.get(); // the queue's store is unreachable; /readyz says so
        }
        out.append("# HELP soci_builder_queue_depth Jobs queued or running.\n# TYPE soci_builder_queue_depth gauge\n")
                .append("soci_builder_queue_depth ").append(depth).append('\n');
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help, String label, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (var e : new TreeMap<>(values).entrySet())
            out.append(name).append('{').append(label).append("=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().sum()).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
