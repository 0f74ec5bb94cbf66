package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.fs.mount.MountState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci umount DIR}: unmounts the overlay at DIR and every layer under its state dir (lazily
 * when busy, so it never hangs), then waits briefly for the serving process to exit.
 */
@Command(name = "umount",
        mixinStandardHelpOptions = true,
        description = "Unmount an image mounted with `soci mount` (busy mounts are detached lazily).")
public final class UmountCommand implements Callable<Integer> {
    private static final Duration PROCESS_EXIT_WAIT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The mount point given to `soci mount`.")
    Path dir;

    @Option(names = "--state-dir", paramLabel = "DIR", hidden = true, description = "Root of the mount state (default /run/soci4j/mounts).")
    Path stateRoot = MountState.DEFAULT_ROOT;

    @Override
    public Integer call() throws Exception {
        Path stateDir = MountState.dirFor(stateRoot, dir);
        boolean overlay = KernelMounts.unmount(dir);
        int layers = 0;
        for (Path root : MountState.layerRoots(stateDir)) if (KernelMounts.unmount(root)) layers++;
        if (!overlay && layers == 0) throw new UserError(ExitCode.NOT_FOUND, "no soci mount at " + dir.toAbsolutePath());
        Path pidFile = stateDir.resolve("pid");
        if (Files.exists(pidFile)) {
            var process = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
            // the serving process notices the overlay is gone and exits; wait for it (unless it is us, as in tests)
            if (process.isPresent() && process.get().pid() != ProcessHandle.current().pid()) {
                try {
                    process.get().onExit().get(PROCESS_EXIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    spec.commandLine().getErr().printf("soci: the mount process %d is still running%n", process.get().pid());
                }
            }
        }
        spec.commandLine().getOut().printf("unmounted %s (%d layers)%n", dir.toAbsolutePath(), layers);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
