package dev.soci4j.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    private static String print(Table table) {
        StringWriter s = new StringWriter();
        table.print(new PrintWriter(s));
        return s.toString();
    }

    @Test
    void alignsLeftAndRightColumnsWithTwoSpacesBetween() {
        String text = print(new Table("TYPE", "OFFSET>", "NAME")
                .row("reg", 512, "a")
                .row("symlink", 1234567, "long/name"));
        assertThat(text.lines()).containsExactly(
                "TYPE      OFFSET  NAME",
                "reg          512  a",
                "symlink  1234567  long/name");
    }

    @Test
    void lastColumnHasNoTrailingSpacesAndRightAlignedLastColumnIsPadded() {
        assertThat(print(new Table("A", "B").row("x", "").row("yy", "z")).lines())
                .containsExactly("A   B", "x   ", "yy  z");
        assertThat(print(new Table("A", "N>").row("x", 5).row("y", 12345)).lines())
                .containsExactly("A      N", "x      5", "y  12345");
    }

    @Test
    void countsCodePointsSoNamesAfterSupplementaryCharactersStayAligned() {
        assertThat(print(new Table("NAME", "SIZE>").row("emoji-😀", 1).row("plain-ab", 22)).lines())
                .containsExactly("NAME      SIZE", "emoji-😀      1", "plain-ab    22");
    }

    @Test
    void controlCharactersCannotSplitARowOrReachTheTerminal() {
        String text = print(new Table("NAME", "SIZE>").row("evil\nname\u001b[31m", 1).row("a\\b", 2));
        assertThat(text.lines()).containsExactly(
                "NAME" + " ".repeat(14 + 2) + "SIZE",
                "evil\\nname\\x1b[31m" + " ".repeat(2 + 3) + "1",
                "a\\\\b" + " ".repeat(14 + 2 + 3) + "2");
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row has 1 cells, table has 2 columns");
    }
}
