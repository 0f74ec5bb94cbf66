package dev.soci4j.fs.fetch;

import dev.soci4j.fs.span.SpanManager;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the rest of a layer local while the mount is idle: spans in order, {@link #SPANS_PER_REQUEST}
 * at a time (one Range request each, through the same claims as on-demand reads, so nothing is fetched
 * twice), pausing whenever an on-demand read is running. A failed range is logged and retried after
 * {@link #RETRY_PAUSE}; the next on-demand read of it tries again anyway. Stops on {@link #close()}.
 */
public final class BackgroundFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundFetcher.class);
    /** 8 default spans (32 MiB uncompressed): large sequential requests, still a short wait for a reader. */
    static final int SPANS_PER_REQUEST = 8;
    private static final Duration YIELD_PAUSE = Duration.ofMillis(20);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
    private static final int MAX_FAILURES = 5;

    private final Thread thread;

    private BackgroundFetcher(Thread thread) {
        this.thread = thread;
    }

    public static BackgroundFetcher start(String layer, SpanManager spans) {
        return new BackgroundFetcher(Thread.ofVirtual().name("background-fetch-" + layer).start(() -> run(layer, spans)));
    }

    private static void run(String layer, SpanManager spans) {
        int count = spans.spans().count();
        int failures = 0;
        try {
            for (int first = 0; first < count; ) {
                while (spans.onDemandReads() > 0) Thread.sleep(YIELD_PAUSE);
                int last = Math.min(count - 1, first + SPANS_PER_REQUEST - 1);
                try {
                    spans.ensure(first, last, true);
                    first = last + 1;
                } catch (IOException e) {
                    if (++failures >= MAX_FAILURES) {
                        log.atWarn().addKeyValue("layer", layer).addKeyValue("span", first)
                                .log("background fetch stopped after %d failures: %s".formatted(failures, e.getMessage()));
                        return;
                    }
                    Thread.sleep(RETRY_PAUSE);
                }
            }
            log.atInfo().addKeyValue("layer", layer).addKeyValue("spans", count).log("layer fully local");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: end quietly
        }
    }

    /** Whether it is still fetching. */
    public boolean running() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
