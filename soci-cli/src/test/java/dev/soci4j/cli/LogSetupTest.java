package dev.soci4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {
    @AfterEach
    void clear() {
        System.clearProperty(LogSetup.LEVEL_PROPERTY);
    }

    @Test
    void theLevelPropertyWinsAndUnknownNamesAreWarn() {
        System.setProperty(LogSetup.LEVEL_PROPERTY, " debug ");
        assertThat(LogSetup.level()).isEqualTo(Level.DEBUG);
        System.setProperty(LogSetup.LEVEL_PROPERTY, "loud");
        assertThat(LogSetup.level()).isEqualTo(Level.WARN);
    }

    @Test
    void configuresAStderrAppenderOnTheRoot() {
        var context = new ch.qos.logback.classic.LoggerContext();
        System.setProperty(LogSetup.LEVEL_PROPERTY, "INFO");
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var appender = (ch.qos.logback.core.ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(appender).isNotNull();
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
    }

    @Test
    void theCliIsConfiguredByItInsteadOfXml() {
        // the service file makes logback use LogSetup: the root has its STDERR appender
        var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isInstanceOf(ch.qos.logback.core.ConsoleAppender.class);
    }
}
