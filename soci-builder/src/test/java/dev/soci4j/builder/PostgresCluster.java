package dev.soci4j.builder;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.oci.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL cluster of its own (Debian package {@code postgresql}: initdb, pg_ctl) in a temp dir on
 * a free loopback port, trust auth, fsync off (a test's data). initdb refuses root, so as root it runs
 * as the {@code postgres} user through runuser. Skips (assumption) when the binaries are missing.
 */
final class PostgresCluster implements AutoCloseable {
    static final Path BIN = Path.of(System.getProperty("soci4j.postgres.bin", "/usr/lib/postgresql/15/bin"));

    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresCluster(Path dir, int port, boolean asPostgres) {
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    static PostgresCluster start() throws Exception {
        assumeTrue(Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl")),
                "needs PostgreSQL server binaries in " + BIN + " (Debian package postgresql; -Dsoci4j.postgres.bin=DIR)");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) && run(List.of("id", "postgres"), false) == 0,
                "running as root needs the postgres user and runuser to start PostgreSQL");
        Path dir = Files.createTempDirectory("soci-builder-pg", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // umask
        int port = LocalRegistry.freePort();
        PostgresCluster c = new PostgresCluster(dir, port, root);
        c.pg(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "soci", "--no-sync", "-E", "UTF8"));
        c.pg(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", "start"));
        return c;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        if (run(command, asPostgres) != 0) throw new IOException(command.getFirst() + " failed; log: " + log());
    }

    private String log() throws IOException {
        return Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "(none)";
    }

    private static int run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) full.addAll(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    @Override
    public void close() throws Exception {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), asPostgres);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
