package dev.soci4j.builder.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.builder.BuildTarget;
import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalQueueTest {
    static final Duration LEASE = Duration.ofSeconds(30);

    static JobQueue.Offer offer(int i) {
        BuildTarget t = new BuildTarget("reg", "app" + i, "v1", Digest.of(("image " + i).getBytes(StandardCharsets.UTF_8)));
        return new JobQueue.Offer(t.key(BuilderConfig.Mode.V2), t);
    }

    @Test
    void sameKeyIsQueuedOnceEvenAfterItIsDone(@TempDir Path dir) throws Exception {
        try (JournalQueue q = JournalQueue.open(dir)) {
            assertThat(q.offer(List.of(offer(1), offer(1), offer(2)))).isEqualTo(2);
            assertThat(q.offer(List.of(offer(2)))).isZero();
            Job job = q.claim(LEASE).orElseThrow();
            assertThat(job.target().repository()).isEqualTo("app1");
            assertThat(job.attempt()).isEqualTo(1);
            q.complete(job, "built");
            assertThat(q.offer(List.of(offer(1)))).isZero();
            assertThat(q.depth()).isEqualTo(1);
        }
    }

    @Test
    void acceptedJobsSurviveACrashAndRunningOnesComeBack(@TempDir Path dir) throws Exception {
        JournalQueue q = JournalQueue.open(dir);
        q.offer(List.of(offer(1), offer(2), offer(3)));
        Job running = q.claim(LEASE).orElseThrow();
        q.complete(q.claim(LEASE).orElseThrow(), "built");
        // no close: what a kill -9 leaves is the fsynced journal; release the lock as the dead process would
        q.close();
        try (JournalQueue again = JournalQueue.open(dir)) {
            assertThat(again.depth()).isEqualTo(2);
            Job first = again.claim(LEASE).orElseThrow();
            assertThat(first.id()).isEqualTo(running.id());
            assertThat(first.attempt()).isEqualTo(2);
            assertThat(again.claim(LEASE).orElseThrow().target().repository()).isEqualTo("app3");
            assertThat(again.claim(LEASE)).isEmpty();
            assertThat(again.completed()).isEqualTo(1);
        }
    }

    @Test
    void retryWaitsAndDeadLettersKeepTheReason(@TempDir Path dir) throws Exception {
        try (JournalQueue q = JournalQueue.open(dir)) {
            q.offer(List.of(offer(1)));
            Job job = q.claim(LEASE).orElseThrow();
            q.retry(job, "registry 503", Instant.now().plus(Duration.ofHours(1)));
            assertThat(q.claim(LEASE)).isEmpty();
            assertThat(q.depth()).isEqualTo(1);
        }
        try (JournalQueue q = JournalQueue.open(dir)) {
            assertThat(q.claim(LEASE)).as("backoff survives a restart").isEmpty();
        }
        try (JournalQueue q = JournalQueue.open(dir)) {
            q.offer(List.of(offer(2)));
            Job job = q.claim(LEASE).orElseThrow();
            q.deadLetter(job, "after 5 attempt(s): 503");
            assertThat(q.deadLetters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("503"));
            assertThat(q.offer(List.of(offer(2)))).as("a new push of a dead-lettered digest is queued again").isEqualTo(1);
        }
        try (JournalQueue q = JournalQueue.open(dir)) {
            assertThat(q.deadLetters()).isEmpty();
            assertThat(q.depth()).isEqualTo(2);
        }
    }

    @Test
    void tornLastLineIsDroppedCorruptionElsewhereFails(@TempDir Path dir) throws Exception {
        try (JournalQueue q = JournalQueue.open(dir)) {
            q.offer(List.of(offer(1)));
        }
        Path journal = dir.resolve(JournalQueue.FILE);
        Files.writeString(journal, "{\"op\":\"enq\",\"id\":9,\"ke", StandardOpenOption.APPEND);
        try (JournalQueue q = JournalQueue.open(dir)) {
            assertThat(q.depth()).isEqualTo(1);
        }
        Files.writeString(journal, "garbage\n" + Files.readString(journal));
        assertThatThrownBy(() -> JournalQueue.open(dir)).hasMessageContaining("corrupt at line 1");
    }

    @Test
    void oneProcessOwnsTheJournal(@TempDir Path dir) throws Exception {
        try (JournalQueue q = JournalQueue.open(dir)) {
            assertThatThrownBy(() -> JournalQueue.open(dir)).hasMessageContaining("in use");
        }
    }

    @Test
    void backoffDoublesWithJitterUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10), new java.util.Random(42));
        for (int i = 0; i < 20; i++) {
            assertThat(b.delayAfter(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(b.delayAfter(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(b.delayAfter(9)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        }
    }
}
