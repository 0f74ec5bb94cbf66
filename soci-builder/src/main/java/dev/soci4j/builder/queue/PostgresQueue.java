package dev.soci4j.builder.queue;

import dev.soci4j.builder.BuildTarget;
import dev.soci4j.oci.Digest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared queue of several builder instances: one table, {@code soci_builder_jobs}, one row per
 * dedupe key. A worker claims the oldest ready row with {@code FOR UPDATE SKIP LOCKED} (instances never
 * wait on each other's claims) and holds it for a lease its heartbeats extend; a row whose lease ran
 * out (its instance died) is ready again, and its next claim counts as another attempt. Completing
 * checks the lease owner, so an instance that lost its claim cannot mark another's build done.
 *
 * <p>Thread-safe; a small connection pool of its own (each statement autocommits). Close it.
 */
public final class PostgresQueue implements JobQueue {
    private static final Logger log = LoggerFactory.getLogger(PostgresQueue.class);
    /** Serialises schema creation of instances starting together (CREATE TABLE IF NOT EXISTS can race). */
    private static final long SCHEMA_LOCK = 0x50C14_B0B1DL;

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS soci_builder_jobs (
              id          bigserial PRIMARY KEY,
              job_key     text NOT NULL UNIQUE,
              registry    text NOT NULL,
              repository  text NOT NULL,
              tag         text NOT NULL,
              digest      text NOT NULL,
              status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
              attempts    integer NOT NULL DEFAULT 0,
              not_before  timestamptz NOT NULL DEFAULT now(),
              lease_owner text,
              lease_until timestamptz,
              note        text,
              completions integer NOT NULL DEFAULT 0,
              created_at  timestamptz NOT NULL DEFAULT now(),
              updated_at  timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS soci_builder_jobs_ready ON soci_builder_jobs (id) WHERE status IN ('queued', 'running');
            """;

    private final String url;
    private final Properties props;
    private final String owner;
    private final BlockingQueue<Connection> pool;

    private PostgresQueue(String url, Properties props, String owner, int poolSize) {
        this.url = url;
        this.props = props;
        this.owner = owner;
        this.pool = new ArrayBlockingQueue<>(poolSize);
    }

    /** Connects, creates the table if missing. {@code owner} names this instance in the table (unique among live ones). */
    public static PostgresQueue open(String url, String user, String password, String owner, int poolSize) throws IOException {
        Properties props = new Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        props.setProperty("ApplicationName", "soci-builder " + owner);
        PostgresQueue q = new PostgresQueue(url, props, owner, Math.max(2, poolSize));
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                s.execute(SCHEMA);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IOException("cannot open the PostgreSQL build queue at " + url + ": " + e.getMessage(), e);
        }
        log.atInfo().addKeyValue("url", url).addKeyValue("instance", owner).log("opened shared build queue");
        return q;
    }

    public String owner() {
        return owner;
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T with(String action, Sql<T> sql) throws IOException {
        Connection c = pool.poll();
        try {
            if (c == null || c.isClosed()) c = DriverManager.getConnection(url, props);
            T result = sql.run(c);
            if (!pool.offer(c)) c.close();
            return result;
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close(); // a failed connection is not reused
                } catch (SQLException ignored) {
                    // already broken
                }
            }
            throw new IOException("PostgreSQL build queue: " + action + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int offer(List<Offer> offers) throws IOException {
        if (offers.isEmpty()) return 0;
        return with("offer", c -> {
            int added = 0;
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO soci_builder_jobs (job_key, registry, repository, tag, digest) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (job_key) DO UPDATE SET status = 'queued', attempts = 0, not_before = now(), note = NULL, updated_at = now()
                      WHERE soci_builder_jobs.status = 'dead'
                    """)) {
                for (Offer o : offers) {
                    BuildTarget t = o.target();
                    ps.setString(1, o.key());
                    ps.setString(2, t.registry());
                    ps.setString(3, t.repository());
                    ps.setString(4, t.tag());
                    ps.setString(5, t.digest().toString());
                    added += ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return added;
        });
    }

    @Override
    public Optional<Job> claim(Duration lease) throws IOException {
        return with("claim", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE soci_builder_jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?,
                      lease_until = now() + ? * interval '1 millisecond', updated_at = now()
                    WHERE id = (SELECT id FROM soci_builder_jobs
                                WHERE (status = 'queued' AND not_before <= now()) OR (status = 'running' AND lease_until < now())
                                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING id, job_key, registry, repository, tag, digest, attempts
                    """)) {
                ps.setString(1, owner);
                ps.setLong(2, lease.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new Job(rs.getLong(1), rs.getString(2),
                            new BuildTarget(rs.getString(3), rs.getString(4), rs.getString(5), Digest.parse(rs.getString(6))), rs.getInt(7)));
                }
            }
        });
    }

    @Override
    public boolean heartbeat(Job job, Duration lease) throws IOException {
        return with("heartbeat", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE soci_builder_jobs SET lease_until = now() + ? * interval '1 millisecond', updated_at = now()
                    WHERE id = ? AND status = 'running' AND lease_owner = ?""")) {
                ps.setLong(1, lease.toMillis());
                ps.setLong(2, job.id());
                ps.setString(3, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean complete(Job job, String result) throws IOException {
        return finish(job, "done", result, null) == 1;
    }

    @Override
    public void retry(Job job, String error, Instant notBefore) throws IOException {
        finish(job, "queued", error, notBefore);
    }

    @Override
    public void deadLetter(Job job, String reason) throws IOException {
        finish(job, "dead", reason, null);
    }

    private int finish(Job job, String status, String note, Instant notBefore) throws IOException {
        int n = with(status, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE soci_builder_jobs SET status = ?, note = ?, lease_owner = NULL, lease_until = NULL,
                      not_before = COALESCE(?, not_before), completions = completions + CASE WHEN ? = 'done' THEN 1 ELSE 0 END, updated_at = now()
                    WHERE id = ? AND status = 'running' AND lease_owner = ?""")) {
                ps.setString(1, status);
                ps.setString(2, note);
                ps.setTimestamp(3, notBefore == null ? null : Timestamp.from(notBefore));
                ps.setString(4, status);
                ps.setLong(5, job.id());
                ps.setString(6, owner);
                return ps.executeUpdate();
            }
        });
        if (n == 0)
            log.atWarn().addKeyValue("image", job.target()).addKeyValue("status", status)
                    .log("the claim on this job had expired and was taken over; outcome not recorded");
        return n;
    }

    @Override
    public long depth() throws IOException {
        return with("depth", c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM soci_builder_jobs WHERE status IN ('queued', 'running')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<DeadLetter> deadLetters() throws IOException {
        return with("list dead letters", c -> {
            List<DeadLetter> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, job_key, registry, repository, tag, digest, attempts, note FROM soci_builder_jobs WHERE status = 'dead' ORDER BY id")) {
                while (rs.next())
                    out.add(new DeadLetter(rs.getLong(1), rs.getString(2),
                            new BuildTarget(rs.getString(3), rs.getString(4), rs.getString(5), Digest.parse(rs.getString(6))), rs.getInt(7), rs.getString(8)));
            }
            return out;
        });
    }

    @Override
    public void awaitWork(Duration max) throws InterruptedException {
        Thread.sleep(Math.min(max.toMillis(), Workers.IDLE_POLL.toMillis()));
    }

    @Override
    public void close() {
        Connection c;
        while ((c = pool.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
