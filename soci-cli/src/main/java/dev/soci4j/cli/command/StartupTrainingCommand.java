package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.Main;
import dev.soci4j.cli.UserError;
import dev.soci4j.cli.demo.LayoutRegistry;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code soci startup-training} (hidden): the workload that {@code bin/soci} records once per build into
 * the JVM's ahead-of-time cache ({@code -XX:AOTCacheOutput}, JDK 25), so that later runs start with
 * soci4j's classes already loaded and linked. A JVM start is most of a lazy {@code soci mount} (the
 * image's bytes are a few MiB): the cache takes a mount from about 1.3 s to 0.95 s.
 *
 * <p>It touches what the commands use, on loopback and in a temporary directory: every command's help
 * (picocli), {@code soci demo} on a small sample (convert, registry client, zTOC build and span reads),
 * and, as root with {@code /dev/fuse}, a real {@code soci mount} of that sample with every file read
 * and {@code soci umount} (FUSE, overlayfs). Classes it does not reach load from the jar as usual.
 */
@Command(name = "startup-training", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the workload that bin/soci records into the JVM's start-up cache (once per build).")
public final class StartupTrainingCommand implements Callable<Integer> {
    /** How long the training mount may take to appear. */
    private static final long MOUNT_WAIT_MILLIS = 60_000;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        help(Main.commandLine(sink, sink));
        Path work = Files.createTempDirectory("soci4j-training-");
        try {
            Path demo = work.resolve("demo");
            int code = Main.run(sink, sink, "demo", "--large-file-mib", "4", "--json", "--dir", demo.toString());
            if (code != 0) throw new UserError(ExitCode.UNEXPECTED, "the training demo failed with exit code " + code);
            boolean mounted = canMount() && mount(demo.resolve("image"), work, sink);
            spec.commandLine().getOut().println("trained: help, demo" + (mounted ? ", mount" : " (mount skipped: needs root and /dev/fuse)"));
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private static void help(CommandLine cli) {
        cli.getUsageMessage();
        for (CommandLine sub : cli.getSubcommands().values()) help(sub);
    }

    private static boolean canMount() {
        return dev.soci4j.fs.fuse.FuseMount.isRoot() && Files.isWritable(Path.of("/dev/fuse"));
    }

    /** {@code soci mount} of the demo's SOCI image from a loopback registry in a thread; reads every file; {@code soci umount}. */
    private static boolean mount(Path image, Path work, PrintStream sink) throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        String state = work.resolve("state").toString();
        try (LayoutRegistry registry = new LayoutRegistry(OciLayoutDirectory.open(image))) {
            AtomicInteger exit = new AtomicInteger(-1);
            Thread server = Thread.ofPlatform().name("training-mount").start(() -> exit.set(Main.run(sink, sink, "mount",
                    "--plain-http", "--state-dir", state, registry.address() + "/demo/sample:sample-soci", mnt.toString())));
            long deadline = System.currentTimeMillis() + MOUNT_WAIT_MILLIS;
            while (!KernelMounts.isMounted(mnt) && server.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(10);
            if (!KernelMounts.isMounted(mnt)) {
                server.join(1000);
                return false;
            }
            try (Stream<Path> files = Files.walk(mnt)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    try (var in = Files.newInputStream(f)) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                }
            } finally {
                Main.run(sink, sink, "umount", "--state-dir", state, mnt.toString());
                server.join(10_000);
            }
            return exit.get() == 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (KernelMounts.isMounted(root.resolve("mnt"))) return; // never walk into a mount we failed to take away
        DemoCommand.deleteTree(root);
    }
}
