package dev.soci4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;

/**
 * Logging for the CLI, set up in code: log lines to stderr (results go to stdout), WARN unless
 * {@code SOCI_LOG_LEVEL} (or {@code --debug}, through {@value #LEVEL_PROPERTY}) says otherwise.
 * Logback's XML configuration costs about 0.15 s of every start (an XML parser and its model), which
 * is a tenth of a lazy {@code soci mount}; this does the same in a few classes. A
 * {@code -Dlogback.configurationFile=...} still wins: then this steps aside for logback's own.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** System property with the root level; {@code --debug} sets it to DEBUG. */
    public static final String LEVEL_PROPERTY = "soci4j.log.level";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg %kvp%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level());
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The root level: the property, else {@code SOCI_LOG_LEVEL}, else WARN; an unknown name is WARN. */
    static Level level() {
        String name = System.getProperty(LEVEL_PROPERTY);
        if (name == null) name = System.getenv("SOCI_LOG_LEVEL");
        return name == null ? Level.WARN : Level.toLevel(name.strip().toUpperCase(Locale.ROOT), Level.WARN);
    }
}
