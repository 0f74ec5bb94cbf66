package dev.soci4j.builder.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.builder.BuildTarget;
import dev.soci4j.oci.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded queue: an append-only journal ({@code DIR/journal.jsonl}, one JSON record per line)
 * replayed into memory on open. Every change is written and {@code fsync}ed before the call returns,
 * so {@link #offer} is durable when it returns. One process owns the directory (an exclusive file lock).
 *
 * <p>Records: {@code enq} (id, key, target), {@code start} (id, attempt: written before a build, so a
 * build that kills the process still counts as an attempt), {@code retry} (id, notBefore, error),
 * {@code done} (id, result), {@code dead} (id, reason). On open, jobs that were running are queued
 * again (the process died under them). A torn last line (crash mid-write) is dropped; a bad line
 * elsewhere is corruption and fails the open naming the line. The journal is compacted on open to
 * one line per key (done keys are kept for deduplication).
 *
 * <p>Thread-safe (one lock; the fsync is the cost, about a millisecond on local disk).
 */
public final class JournalQueue implements JobQueue {
    private static final Logger log = LoggerFactory.getLogger(JournalQueue.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "journal.jsonl";
    static final String LOCK_FILE = "journal.lock";

    private enum Status { QUEUED, RUNNING, DONE, DEAD }

    private static final class Entry {
        final long id;
        final String key;
        final BuildTarget target;
        Status status = Status.QUEUED;
        int attempts;
        long notBeforeMillis;
        String note = "";

        Entry(long id, String key, BuildTarget target) {
            this.id = id;
            this.key = key;
            this.target = target;
        }
    }

    private final Path file;
    private final Clock clock;
    private final FileChannel channel;
    private final java.nio.channels.FileLock lock;
    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Entry> byKey = new HashMap<>();
    private long nextId = 1;
    private boolean closed;

    private JournalQueue(Path file, Clock clock, FileChannel channel, java.nio.channels.FileLock lock) {
        this.file = file;
        this.clock = clock;
        this.channel = channel;
        this.lock = lock;
    }

    public static JournalQueue open(Path dir) throws IOException {
        return open(dir, Clock.systemUTC());
    }

    public static JournalQueue open(Path dir, Clock clock) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        java.nio.channels.FileLock lock = lock(dir.resolve(LOCK_FILE));
        FileChannel channel;
        Map<Long, Entry> replayed = new LinkedHashMap<>();
        long maxId;
        try {
            maxId = replay(file, replayed);
            compact(dir, file, replayed);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            lock.channel().close();
            throw e;
        }
        JournalQueue q = new JournalQueue(file, clock, channel, lock);
        q.nextId = maxId + 1;
        for (Entry e : replayed.values()) {
            q.entries.put(e.id, e);
            q.byKey.put(e.key, e);
        }
        long pending = q.entries.values().stream().filter(e -> e.status == Status.QUEUED).count();
        log.atInfo().addKeyValue("journal", file).addKeyValue("pending", pending).addKeyValue("keys", q.byKey.size()).log("opened build queue");
        return q;
    }

    /** The journal is rewritten on open, so the lock lives on a file of its own. */
    private static java.nio.channels.FileLock lock(Path lockFile) throws IOException {
        FileChannel c = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = c.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            c.close();
            throw new IOException("queue journal in " + lockFile.getParent() + " is in use by another process");
        }
        return lock;
    }

    private static long replay(Path file, Map<Long, Entry> out) throws IOException {
        if (!Files.exists(file)) return 0;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        long maxId = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            JsonNode r;
            try {
                r = JSON.readTree(line);
                if (r == null || !r.has("op") || !r.has("id")) throw new IOException("no op or id");
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    log.atWarn().addKeyValue("journal", file).addKeyValue("line", i + 1).log("dropped a torn last journal line (crash while writing it)");
                    break;
                }
                throw new IOException("queue journal %s is corrupt at line %d: %s".formatted(file, i + 1, e.getMessage()), e);
            }
            long id = r.get("id").asLong();
            maxId = Math.max(maxId, id);
            String op = r.get("op").asText();
            if (op.equals("enq")) {
                JsonNode t = r.get("target");
                Entry e = new Entry(id, r.get("key").asText(), new BuildTarget(t.get("registry").asText(), t.get("repository").asText(),
                        t.get("tag").asText(), Digest.parse(t.get("digest").asText())));
                e.attempts = r.path("attempts").asInt(0);
                e.status = Status.valueOf(r.path("status").asText("QUEUED"));
                e.note = r.path("note").asText("");
                e.notBeforeMillis = r.path("notBefore").asLong(0);
                out.values().removeIf(old -> old.key.equals(e.key)); // a dead key queued again
                out.put(id, e);
                continue;
            }
            Entry e = out.get(id);
            if (e == null) throw new IOException("queue journal %s line %d: %s of unknown job %d".formatted(file, i + 1, op, id));
            switch (op) {
                case "start" -> e.attempts = r.get("attempt").asInt();
                case "retry" -> {
                    e.notBeforeMillis = r.get("notBefore").asLong();
                    e.note = r.path("error").asText("");
                }
                case "done" -> {
                    e.status = Status.DONE;
                    e.note = r.path("result").asText("");
                }
                case "dead" -> {
                    e.status = Status.DEAD;
                    e.note = r.path("reason").asText("");
                }
                default -> throw new IOException("queue journal %s line %d: unknown op %s".formatted(file, i + 1, op));
            }
        }
        for (Entry e : out.values()) if (e.status == Status.RUNNING) e.status = Status.QUEUED;
        return maxId;
    }

    /** Rewrites the journal as one {@code enq} line per key with its state, atomically (write, fsync, rename). */
    private static void compact(Path dir, Path file, Map<Long, Entry> entries) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Entry e : entries.values()) {
                ObjectNode r = enqRecord(e.id, e.key, e.target);
                r.put("attempts", e.attempts);
                r.put("status", e.status.name());
                if (e.notBeforeMillis > 0) r.put("notBefore", e.notBeforeMillis);
                if (!e.note.isEmpty()) r.put("note", e.note);
                write(out, r);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself
        } catch (IOException ignored) {
            // some file systems cannot open a directory for fsync; the rename is then as durable as they make it
        }
    }

    private static ObjectNode enqRecord(long id, String key, BuildTarget t) {
        ObjectNode r = JSON.createObjectNode().put("op", "enq").put("id", id).put("key", key);
        r.putObject("target").put("registry", t.registry()).put("repository", t.repository()).put("tag", t.tag()).put("digest", t.digest().toString());
        return r;
    }

    private static void write(FileChannel out, ObjectNode record) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) out.write(buf);
    }

    private void append(List<ObjectNode> records) throws IOException {
        if (closed) throw new IOException("queue journal " + file + " is closed");
        for (ObjectNode r : records) write(channel, r);
        channel.force(false);
    }

    @Override
    public synchronized int offer(List<Offer> offers) throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        List<Entry> added = new ArrayList<>();
        for (Offer o : offers) {
            Entry existing = byKey.get(o.key());
            if (existing != null && existing.status != Status.DEAD) continue;
            if (added.stream().anyMatch(a -> a.key.equals(o.key()))) continue;
            Entry e = new Entry(nextId++, o.key(), o.target());
            records.add(enqRecord(e.id, e.key, e.target));
            added.add(e);
        }
        if (records.isEmpty()) return 0;
        append(records);
        for (Entry e : added) {
            Entry old = byKey.put(e.key, e);
            if (old != null) entries.remove(old.id);
            entries.put(e.id, e);
        }
        notifyAll();
        return added.size();
    }

    @Override
    public synchronized Optional<Job> claim(Duration lease) throws IOException {
        long now = clock.millis();
        for (Entry e : entries.values()) {
            if (e.status != Status.QUEUED || e.notBeforeMillis > now) continue;
            int attempt = e.attempts + 1;
            append(List.of(JSON.createObjectNode().put("op", "start").put("id", e.id).put("attempt", attempt)));
            e.attempts = attempt;
            e.status = Status.RUNNING;
            return Optional.of(new Job(e.id, e.key, e.target, attempt));
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean heartbeat(Job job, Duration lease) {
        Entry e = entries.get(job.id());
        return e != null && e.status == Status.RUNNING; // one process owns the journal: claims do not expire
    }

    @Override
    public synchronized boolean complete(Job job, String result) throws IOException {
        Entry e = running(job);
        append(List.of(JSON.createObjectNode().put("op", "done").put("id", e.id).put("result", result)));
        e.status = Status.DONE;
        e.note = result;
        return true;
    }

    @Override
    public synchronized void retry(Job job, String error, Instant notBefore) throws IOException {
        Entry e = running(job);
        append(List.of(JSON.createObjectNode().put("op", "retry").put("id", e.id).put("notBefore", notBefore.toEpochMilli()).put("error", error)));
        e.status = Status.QUEUED;
        e.notBeforeMillis = notBefore.toEpochMilli();
        e.note = error;
        notifyAll();
    }

    @Override
    public synchronized void deadLetter(Job job, String reason) throws IOException {
        Entry e = running(job);
        append(List.of(JSON.createObjectNode().put("op", "dead").put("id", e.id).put("reason", reason)));
        e.status = Status.DEAD;
        e.note = reason;
    }

    private Entry running(Job job) {
        Entry e = entries.get(job.id());
        if (e == null || e.status != Status.RUNNING) throw new IllegalStateException("job " + job.id() + " (" + job.key() + ") is not running");
        return e;
    }

    @Override
    public synchronized long depth() {
        return entries.values().stream().filter(e -> e.status == Status.QUEUED || e.status == Status.RUNNING).count();
    }

    /** Jobs done (built or skipped), for tests and the bench. */
    public synchronized long completed() {
        return entries.values().stream().filter(e -> e.status == Status.DONE).count();
    }

    @Override
    public synchronized List<DeadLetter> deadLetters() {
        return entries.values().stream().filter(e -> e.status == Status.DEAD)
                .map(e -> new DeadLetter(e.id, e.key, e.target, e.attempts, e.note)).toList();
    }

    @Override
    public synchronized void awaitWork(Duration max) throws InterruptedException {
        long now = clock.millis();
        long wait = max.toMillis();
        for (Entry e : entries.values()) {
            if (e.status != Status.QUEUED) continue;
            wait = Math.min(wait, Math.max(0, e.notBeforeMillis - now));
        }
        if (wait > 0) wait(wait);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        notifyAll();
        channel.close();
        lock.release();
        lock.channel().close();
    }
}
