package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.fs.mount.ImageMount;
import dev.soci4j.fs.mount.MetricsEndpoint;
import dev.soci4j.fs.mount.MountOptions;
import dev.soci4j.fs.mount.MountState;
import dev.soci4j.index.ImageLocation;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci mount IMAGE DIR}: the image read-only at DIR, layers fetched lazily through the SOCI
 * index, until SIGINT/SIGTERM or {@code soci umount DIR}. {@code --detach} starts the same command
 * as a background java process and returns once DIR is mounted. {@code --stats DIR} prints the
 * per-layer counters of a live mount.
 */
@Command(name = "mount",
        mixinStandardHelpOptions = true,
        description = {"Mount an image read-only at DIR, fetching file contents lazily through its SOCI index (needs root).",
                "Layers are FUSE filesystems stacked with overlayfs; layers without a zTOC are downloaded whole.",
                "Stays in the foreground until interrupted or `soci umount DIR`; --detach runs it in the background."})
public final class MountCommand implements Callable<Integer> {
    /** How long --detach waits for the background process to have mounted DIR. */
    private static final Duration DETACH_WAIT = Duration.ofSeconds(120);
    /** How often the foreground process refreshes the stats file and checks that DIR is still mounted. */
    private static final Duration STATS_INTERVAL = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registry;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "The image (registry/repo:tag or @digest).")
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "An existing directory to mount at.")
    Path dir;

    @Option(names = "--index", paramLabel = "DIGEST", description = "Use this SOCI index instead of discovering one.")
    String index;

    @Option(names = "--v1", description = "Also accept SOCI v1 indexes found through the referrers API.")
    boolean v1;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform of a multi-platform image (default: this machine's).")
    String platform;

    @Option(names = "--background-fetch", paramLabel = "on|off", defaultValue = "on",
            description = "Fetch the remaining spans while idle (default: ${DEFAULT-VALUE}).")
    String backgroundFetch;

    @Option(names = "--stacking", paramLabel = "auto|overlay|merged", defaultValue = "auto",
            description = {"How the layers become one tree: overlay (a FUSE mount per layer under overlayfs; needs root),",
                    "merged (one FUSE mount, layers merged by soci with overlayfs's rules; any user, through fusermount3),",
                    "auto (overlay as root, else merged; the default)."})
    String stacking;

    @Option(names = "--detach", description = "Mount from a background process and return once mounted.")
    boolean detach;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while mounted (FUSE operations, bytes, spans, cache hits, failures).")
    String metricsAddress;

    @Option(names = "--stats", paramLabel = "DIR", description = "Print the per-layer fetch counters of the mount at DIR, then exit.")
    Path stats;

    @Option(names = "--state-dir", paramLabel = "DIR", hidden = true, description = "Root of the mount state (default /run/soci4j/mounts).")
    Path stateRoot = MountState.DEFAULT_ROOT;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if (stats != null) {
            Path file = MountState.statsFile(MountState.dirFor(stateRoot, stats));
            if (!Files.exists(file)) throw new UserError(ExitCode.NOT_FOUND, "no soci mount at " + stats.toAbsolutePath());
            out.print(Files.readString(file));
            out.flush();
            return 0;
        }
        if (image == null || dir == null) throw new UserError(ExitCode.USAGE, "mount needs IMAGE and DIR (or --stats DIR)");
        if (!detach) ImageMount.warmUpInBackground();
        boolean fetch = switch (backgroundFetch) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UserError(ExitCode.USAGE, "--background-fetch must be on or off, not " + backgroundFetch);
        };
        MountOptions.Stacking stack = switch (stacking) {
            case "auto" -> MountOptions.Stacking.AUTO;
            case "overlay" -> MountOptions.Stacking.OVERLAY;
            case "merged" -> MountOptions.Stacking.MERGED;
            default -> throw new UserError(ExitCode.USAGE, "--stacking must be auto, overlay or merged, not " + stacking);
        };
        if (!Files.isDirectory(dir)) throw new UserError(ExitCode.NOT_FOUND, "mount point %s is not a directory".formatted(dir));
        InetSocketAddress metrics = metricsAddress == null ? null : socketAddress(metricsAddress);
        Path stateDir = MountState.dirFor(stateRoot, dir);
        if (detach) return detach(stateDir);
        ImageLocation location = registry.location(image, "IMAGE");
        if (!(location instanceof ImageLocation.Registry r))
            throw new UserError(ExitCode.USAGE, "mount reads images from a registry, not " + image);
        Digest explicit = index == null ? null : Digest.parse(index);
        Platform p = platform == null ? Platform.current() : Platform.parse(platform);
        try (RegistryClient client = registry.client(List.of(location))) {
            ImageMount mount = ImageMount.mount(client, r.reference(), dir,
                    new MountOptions(stateDir, p, explicit, v1, fetch, MountOptions.DEFAULT_CACHE_LIMIT_BYTES, 4, stack));
            MetricsEndpoint endpoint;
            try {
                endpoint = metrics == null ? null : MetricsEndpoint.start(metrics, mount);
            } catch (IOException e) {
                mount.close();
                throw e;
            }
            Runnable unmount = () -> {
                if (endpoint != null) endpoint.close();
                mount.close();
            };
            Thread hook = new Thread(unmount, "soci-umount");
            Runtime.getRuntime().addShutdownHook(hook);
            Files.writeString(stateDir.resolve("pid"), Long.toString(ProcessHandle.current().pid()));
            out.printf("mounted %s at %s (%d layers)%n", image, mount.target(), mount.layers().size());
            if (endpoint != null) out.printf("metrics at http://%s/metrics%n", hostPort(endpoint.address()));
            out.flush();
            // until `soci umount DIR` (or an outside umount) takes the overlay away
            while (KernelMounts.isMounted(mount.target())) {
                Thread.sleep(STATS_INTERVAL);
                mount.writeStats();
            }
            unmount.run();
            Runtime.getRuntime().removeShutdownHook(hook);
            return 0;
        }
    }

    /** {@code host:port} or {@code [v6]:port}; a bad value is a usage error naming it. */
    static InetSocketAddress socketAddress(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new UserError(ExitCode.USAGE, "--metrics-address must be HOST:PORT, not " + value);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Runs this command again without --detach in a background process, logging to the state dir. */
    private int detach(Path stateDir) throws IOException, InterruptedException {
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty())
            throw new UserError(ExitCode.UNEXPECTED, "cannot see this process's command line to start the background mount");
        List<String> command = new ArrayList<>();
        command.add(info.command().get());
        for (String a : info.arguments().get()) if (!a.equals("--detach")) command.add(a);
        Files.createDirectories(stateDir);
        Path log = stateDir.resolve("mount.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        long deadline = System.nanoTime() + DETACH_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (KernelMounts.isMounted(dir)) {
                spec.commandLine().getOut().printf("mounted %s at %s in the background (pid %d, log %s)%n",
                        image, dir.toAbsolutePath(), child.pid(), log);
                spec.commandLine().getOut().flush();
                return 0;
            }
            if (!child.isAlive())
                throw new UserError(ExitCode.IO, "background mount exited with %d; see %s".formatted(child.exitValue(), log));
            Thread.sleep(20); // the caller waits for this: poll often, it is cheap
        }
        child.destroy();
        throw new UserError(ExitCode.IO, "background mount did not finish within %s; see %s".formatted(DETACH_WAIT, log));
    }
}
