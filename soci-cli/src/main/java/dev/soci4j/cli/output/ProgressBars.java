package dev.soci4j.cli.output;

import dev.soci4j.index.BuildProgress;
import dev.soci4j.index.LayerOutcome;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-layer progress bars on one terminal line, redrawn with a carriage return: one bar (bytes read of
 * the layer's size) for each layer being read. Only for terminals: the CLI hands out
 * {@link BuildProgress#NONE} otherwise, so pipes and logs see nothing. Thread-safe (workers of
 * several layers call it at once); {@link #close()} clears the line.
 */
public final class ProgressBars implements BuildProgress, AutoCloseable {
    private static final int BAR_CELLS = 20;
    /** Redraws more often than this flicker without telling anyone more. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final int columns;
    private final Map<Digest, long[]> active = new LinkedHashMap<>();
    private long lastDraw;
    private int lastLength;

    /** @param columns the terminal's width; the line is cut to it */
    public ProgressBars(PrintWriter err, int columns) {
        this.err = err;
        this.columns = Math.max(20, columns);
    }

    /** The terminal width from {@code $COLUMNS}, else 100. */
    public static int terminalColumns() {
        try {
            String c = System.getenv("COLUMNS");
            return c == null ? 100 : Integer.parseInt(c.strip());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    @Override
    public synchronized void layerStarted(String image, Descriptor layer, long totalBytes) {
        active.put(layer.digest(), new long[] {0, totalBytes});
        draw(true);
    }

    @Override
    public synchronized void bytesRead(Descriptor layer, long readBytes, long totalBytes) {
        long[] bar = active.get(layer.digest());
        if (bar == null) return;
        bar[0] = readBytes;
        draw(false);
    }

    @Override
    public synchronized void layerFinished(String image, LayerOutcome outcome) {
        if (active.remove(outcome.layer().digest()) != null) draw(true);
    }

    @Override
    public synchronized void close() {
        if (lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }

    /** The line for the layers being read, e.g. {@code 3f1a2b3c [#####.....]  45% 1.2 MiB/2.7 MiB}. */
    synchronized String line() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Digest, long[]> e : active.entrySet()) {
            long read = e.getValue()[0];
            long total = e.getValue()[1];
            int percent = total <= 0 ? 0 : (int) Math.min(100, read * 100 / total);
            int filled = percent * BAR_CELLS / 100;
            if (!sb.isEmpty()) sb.append("  ");
            sb.append(e.getKey().hex(), 0, 8).append(" [").append("#".repeat(filled)).append(".".repeat(BAR_CELLS - filled))
                    .append("] ").append("%3d%% ".formatted(percent)).append(Sizes.bytes(read)).append('/').append(Sizes.bytes(total));
        }
        return sb.length() < columns ? sb.toString() : sb.substring(0, columns - 2) + "…";
    }

    private void draw(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastDraw < REDRAW_NANOS) return;
        lastDraw = t;
        String line = line();
        int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastLength = line.length();
    }
}
