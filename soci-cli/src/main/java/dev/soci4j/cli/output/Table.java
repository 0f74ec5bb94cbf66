package dev.soci4j.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table for people (scripts use {@code --json}): a header row in capitals, then rows,
 * columns separated by two spaces; columns marked numeric are right-aligned. Control characters in
 * cells (a tar name may hold a newline or a terminal escape) are shown escaped, so one row stays one
 * line and a layer cannot drive the terminal. Widths count code points, not UTF-16 units.
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
        rows.add(Arrays.stream(cells).map(c -> ControlChars.escape(String.valueOf(c))).toArray(String[]::new));
        return this;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) widths[i] = width(headers[i]);
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], width(row[i]));
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
            String padding = " ".repeat(widths[i] - width(cell));
            if (rightAligned[i]) {
                line.append(padding).append(cell);
            } else {
                line.append(cell);
                if (!last) line.append(padding);
            }
        }
        out.println(line);
    }

    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
