package dev.soci4j.cli;

/**
 * The exit codes of every {@code soci} command, for scripts ({@code style.md}, "Errors"). Shown in
 * {@code --help} and the README.
 */
public enum ExitCode {
    OK(0, "success"),
    UNEXPECTED(1, "unexpected error (a bug: rerun with --debug for the stack trace)"),
    USAGE(2, "bad command line"),
    NOT_FOUND(3, "not found (file, image, index or path in a layer)"),
    PERMISSION(4, "authentication or permission denied"),
    IO(5, "I/O, registry or network error that persisted after retries"),
    INVALID_INPUT(6, "invalid or unsupported input (corrupt layer or zTOC, zstd layer, GNU sparse entry ...)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
