package dev.soci4j.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table for people (scripts use {@code --json}): a header row in capitals, then rows,
 * columns separated by two spaces; columns marked numeric are right-aligned.
 */
public final class Table {
    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers ending in {@code >} (the marker is dropped) are right-aligned. */
    public Table(String... headers) {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].endsWith(">");
            this.headers[i] = rightAligned[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
    }

    public Table row(Object... cells) {
        if (cells.length != headers.length)
            throw new IllegalArgumentException("row has %d cells, table has %d columns".formatted(cells.length, headers.length));
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) widths[i] = headers[i].length();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        printRow(out, headers, widths);
        for (String[] row : rows) printRow(out, row, widths);
        out.flush();
    }

    private void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) line.append("  ");
            String cell = cells[i];
            boolean last = i == cells.length - 1;
            if (rightAligned[i]) {
                line.append(" ".repeat(widths[i] - cell.length())).append(cell);
            } else {
                line.append(cell);
                if (!last) line.append(" ".repeat(widths[i] - cell.length()));
            }
        }
        out.println(line);
    }
}
