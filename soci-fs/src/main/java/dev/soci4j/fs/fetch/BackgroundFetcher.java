package dev.soci4j.fs.fetch;

import dev.soci4j.fs.span.SpanManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the rest of a layer local while the mount is idle: spans in order, {@link #SPANS_PER_REQUEST}
 * at a time (one Range request each, through the same claims as on-demand reads, so nothing is fetched
 * twice), pausing whenever an on-demand read is running. A failed range is logged and retried after
 * {@link #RETRY_PAUSE}; the next on-demand read of it tries again anyway. One request runs ahead: the
 * next range is on the wire while the previous one is verified, inflated and cached (at most two
 * chunks held), unless an on-demand read is running then. Stops on {@link #close()}.
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
        Deque<Integer> redo = new ArrayDeque<>(); // first spans of chunks that failed, fetched again first
        int next = 0;                            // first span of the next chunk not yet requested
        CompletableFuture<SpanManager.Prefetched> ahead = null; // the one request in flight
        int aheadFirst = -1;
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                while (true) {
                    if (ahead == null) {
                        if (redo.isEmpty() && next >= count) break;
                        while (spans.onDemandReads() > 0) Thread.sleep(YIELD_PAUSE);
                        aheadFirst = redo.isEmpty() ? next : redo.pollFirst();
                        if (aheadFirst == next) next += SPANS_PER_REQUEST;
                        ahead = request(requests, spans, aheadFirst, count);
                    }
                    int chunk = aheadFirst;
                    SpanManager.Prefetched got;
                    try {
                        got = ahead.get();
                    } catch (ExecutionException e) {
                        ahead = null;
                        if (++failures >= MAX_FAILURES) {
                            stopped(layer, chunk, failures, e.getCause());
                            return;
                        }
                        redo.addFirst(chunk);
                        Thread.sleep(RETRY_PAUSE);
                        continue;
                    }
                    ahead = null;
                    // one ahead: the next request runs while this chunk is verified, inflated and cached,
                    // unless a reader is waiting, who then has the link to itself
                    if ((!redo.isEmpty() || next < count) && spans.onDemandReads() == 0) {
                        aheadFirst = redo.isEmpty() ? next : redo.pollFirst();
                        if (aheadFirst == next) next += SPANS_PER_REQUEST;
                        ahead = request(requests, spans, aheadFirst, count);
                    }
                    try {
                        spans.complete(got);
                    } catch (IOException e) {
                        if (++failures >= MAX_FAILURES) {
                            stopped(layer, chunk, failures, e);
                            return;
                        }
                        redo.addFirst(chunk);
                        Thread.sleep(RETRY_PAUSE);
                    }
                }
            } finally {
                if (ahead != null) {
                    // still in flight or read and not completed: give its claims back once it ends
                    ahead.whenComplete((p, e) -> {
                        if (p != null) spans.abandon(p);
                    });
                    requests.shutdownNow();
                }
            }
            log.atInfo().addKeyValue("layer", layer).addKeyValue("spans", count).log("layer fully local");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: end quietly
        }
    }

    /** Starts the Range request for the chunk of {@link #SPANS_PER_REQUEST} spans at {@code first}. */
    private static CompletableFuture<SpanManager.Prefetched> request(ExecutorService requests, SpanManager spans,
                                                                     int first, int count) {
        int last = Math.min(count - 1, first + SPANS_PER_REQUEST - 1);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return spans.prefetch(first, last);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, requests);
    }

    private static void stopped(String layer, int span, int failures, Throwable cause) {
        log.atWarn().addKeyValue("layer", layer).addKeyValue("span", span)
                .log("background fetch stopped after %d failures: %s".formatted(failures, cause.getMessage()));
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
