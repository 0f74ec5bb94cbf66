package dev.soci4j.builder.service;

import dev.soci4j.builder.BuildTarget;
import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.event.EventParser;
import dev.soci4j.builder.event.MalformedEventException;
import dev.soci4j.builder.event.ManifestPushed;
import dev.soci4j.builder.event.OtherEvent;
import dev.soci4j.builder.event.RegistryEvent;
import dev.soci4j.builder.filter.PushFilter;
import dev.soci4j.builder.queue.JobQueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parse, filter, queue: what happens to an authenticated notification body. Thread-safe. */
public final class EventIntake {
    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);

    /** What one body amounted to (the 202 response's JSON). */
    public record Result(int events, int queued, int duplicates, int filtered, int ignored) {}

    private final PushFilter filter;
    private final BuilderConfig.Mode mode;
    private final JobQueue queue;
    private final BuilderMetrics metrics;

    public EventIntake(BuilderConfig config, JobQueue queue, BuilderMetrics metrics) {
        this.filter = new PushFilter(config.filters().include(), config.filters().loopGuard());
        this.mode = config.build().mode();
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Queues the builds this body asks for; durable on return. */
    public Result accept(byte[] body) throws MalformedEventException, IOException {
        List<RegistryEvent> events = EventParser.parse(body);
        List<JobQueue.Offer> offers = new ArrayList<>();
        int filtered = 0;
        int ignored = 0;
        for (RegistryEvent event : events) {
            metrics.received(event.source());
            switch (event) {
                case ManifestPushed push -> {
                    Optional<String> why = filter.rejection(push);
                    if (why.isPresent()) {
                        filtered++;
                        metrics.filtered(why.get().startsWith("no filter") ? "not_included" : "soci_output");
                        log.atDebug().addKeyValue("image", push.image()).addKeyValue("reason", why.get()).log("push filtered out");
                    } else {
                        BuildTarget target = BuildTarget.of(push);
                        offers.add(new JobQueue.Offer(target.key(mode), target));
                    }
                }
                case OtherEvent other -> {
                    ignored++;
                    metrics.filtered(other.what());
                }
            }
        }
        int queued = queue.offer(offers);
        metrics.queued(queued, offers.size() - queued);
        for (JobQueue.Offer o : offers)
            log.atInfo().addKeyValue("image", o.target()).addKeyValue("digest", o.target().digest()).log("push accepted");
        return new Result(events.size(), queued, offers.size() - queued, filtered, ignored);
    }
}
