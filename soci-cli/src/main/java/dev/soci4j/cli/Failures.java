package dev.soci4j.cli;

import dev.soci4j.cli.output.ControlChars;
import dev.soci4j.index.IndexNotFoundException;
import dev.soci4j.index.LayerIndexException;
import dev.soci4j.index.UnsupportedImageException;
import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.RegistryUnauthorizedException;
import dev.soci4j.oci.manifest.InvalidManifestException;
import dev.soci4j.ztoc.DigestMismatchException;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns a command's failure into one line on stderr and an {@link ExitCode}. Only unexpected errors
 * (bugs) print a stack trace, and only with {@code --debug}. Bad command lines are one line too, with
 * the command whose {@code --help} explains it.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        ExitCode code = classify(cause);
        PrintWriter err = cli.getErr();
        if (code == ExitCode.UNEXPECTED) {
            if (debug(parseResult)) {
                err.println("soci: unexpected error: " + cause);
                cause.printStackTrace(err);
            } else {
                err.println("soci: unexpected error: " + ControlChars.escape(cause.toString()) + " (rerun with --debug for the stack trace)");
            }
        } else {
            err.println("soci: " + ControlChars.escape(message(cause)));
        }
        err.flush();
        return code.code();
    }

    /** picocli's default prints the whole usage; we print one line naming the help to read. */
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        StringBuilder line = new StringBuilder("soci: ").append(ControlChars.escape(String.valueOf(ex.getMessage())));
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
        }
        line.append(" (see '").append(cli.getCommandSpec().qualifiedName()).append(" --help')");
        err.println(line);
        err.flush();
        return ExitCode.USAGE.code();
    }

    static int exitCodeOf(Throwable t) {
        return classify(unwrap(t)).code();
    }

    static ExitCode classify(Throwable t) {
        return switch (t) {
            case UserError u -> u.exitCode();
            case CommandLine.ParameterException e -> ExitCode.USAGE;
            case NoSuchFileException e -> ExitCode.NOT_FOUND;
            case FileNotFoundException e -> ExitCode.NOT_FOUND;
            case AccessDeniedException e -> ExitCode.PERMISSION;
            case InvalidZtocException e -> ExitCode.INVALID_INPUT;
            case InvalidLayerException e -> ExitCode.INVALID_INPUT;
            case UnsupportedLayerException e -> ExitCode.INVALID_INPUT;
            case DigestMismatchException e -> ExitCode.INVALID_INPUT;
            case dev.soci4j.oci.DigestMismatchException e -> ExitCode.INVALID_INPUT;
            // registry answers: the subclasses say what kind, the rest persisted after retries
            case RegistryUnauthorizedException e -> ExitCode.PERMISSION;
            case ManifestNotFoundException e -> ExitCode.NOT_FOUND;
            case BlobNotFoundException e -> ExitCode.NOT_FOUND;
            case RegistryException e -> ExitCode.IO;
            case IndexNotFoundException e -> ExitCode.NOT_FOUND;
            // covers NoIndexableLayerException: an image with nothing to index is unsupported input
            case UnsupportedImageException e -> ExitCode.INVALID_INPUT;
            case InvalidManifestException e -> ExitCode.INVALID_INPUT;
            // the layer is named in the message; what went wrong with it decides the code (corrupt → 6, network → 5 ...)
            case LayerIndexException e -> e.getCause() == null ? ExitCode.IO : classify(e.getCause());
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
