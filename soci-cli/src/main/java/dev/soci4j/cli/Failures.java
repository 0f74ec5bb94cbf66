package dev.soci4j.cli;

import dev.soci4j.ztoc.DigestMismatchException;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns a command's failure into one line on stderr and an {@link ExitCode}. Only unexpected errors
 * (bugs) print a stack trace, and only with {@code --debug}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        ExitCode code = classify(cause);
        var err = cli.getErr();
        if (code == ExitCode.UNEXPECTED) {
            err.println("soci: unexpected error: " + cause);
            if (debug(parseResult)) {
                cause.printStackTrace(err);
            } else {
                err.println("soci: rerun with --debug for the stack trace");
            }
        } else {
            err.println("soci: " + message(cause));
        }
        err.flush();
        return code.code();
    }

    static int exitCodeOf(Throwable t) {
        return classify(unwrap(t)).code();
    }

    static ExitCode classify(Throwable t) {
        return switch (t) {
            case UserError u -> u.exitCode();
            case NoSuchFileException e -> ExitCode.NOT_FOUND;
            case java.io.FileNotFoundException e -> ExitCode.NOT_FOUND;
            case AccessDeniedException e -> ExitCode.PERMISSION;
            case InvalidZtocException e -> ExitCode.INVALID_INPUT;
            case InvalidLayerException e -> ExitCode.INVALID_INPUT;
            case UnsupportedLayerException e -> ExitCode.INVALID_INPUT;
            case DigestMismatchException e -> ExitCode.INVALID_INPUT;
            case IOException e -> ExitCode.IO;
            default -> ExitCode.UNEXPECTED;
        };
    }

    private static String message(Throwable t) {
        return switch (t) {
            case NoSuchFileException e -> "no such file: " + e.getFile();
            case AccessDeniedException e -> "permission denied: " + e.getFile();
            default -> t.getMessage() == null ? t.toString() : t.getMessage();
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof UncheckedIOException || t instanceof CommandLine.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean debug(CommandLine.ParseResult parseResult) {
        for (var r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) return true;
        }
        return false;
    }
}
