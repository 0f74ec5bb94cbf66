package dev.soci4j.cli;

/** A failure the user can act on: printed as one line {@code soci: <message>}, exits with its code. */
public final class UserError extends RuntimeException {
    private final ExitCode exitCode;

    public UserError(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
