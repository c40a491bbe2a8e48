package io.github.camelmqttbridge.mqtt.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of the JVM through log4j2 (this module's SLF4J provider; HiveMQ's logback is excluded),
 * including exception class, message and stack trace text, so that a test can grep everything that was logged.
 * {@link #everything()} lowers the root level while capturing.
 */
public final class LogCapture implements AutoCloseable {

    /** One captured event, flattened to text. */
    public record Line(String level, String logger, String thread, String message, String throwable) {
        boolean isError() {
            return level.equals("ERROR");
        }

        public String all() {
            return level + " " + logger + " [" + thread + "] " + message + (throwable.isEmpty() ? "" : "\n" + throwable);
        }

        @Override
        public String toString() {
            return all();
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Runnable detach;

    private LogCapture(boolean everything) {
        detach = attachLog4j(everything);
    }

    /** Captures at the configured levels (INFO and up by the test configuration). */
    public static LogCapture start() {
        return new LogCapture(false);
    }

    /** Captures everything down to TRACE until closed. */
    public static LogCapture everything() {
        return new LogCapture(true);
    }

    public List<Line> lines() {
        return new ArrayList<>(lines);
    }

    List<Line> matching(Predicate<Line> p) {
        return lines.stream().filter(p).toList();
    }

    void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        detach.run();
    }

    private Runnable attachLog4j(boolean everything) {
        org.apache.logging.log4j.core.LoggerContext context =
                (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.config.LoggerConfig root = context.getConfiguration().getRootLogger();
        org.apache.logging.log4j.Level before = root.getLevel();
        AbstractAppender appender = new AbstractAppender("fuzz-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                StringBuilder t = new StringBuilder();
                for (Throwable c = e.getThrown(); c != null; c = c.getCause()) {
                    t.append(c).append('\n');
                    for (StackTraceElement s : c.getStackTrace()) {
                        t.append("\tat ").append(s).append('\n');
                    }
                }
                lines.add(new Line(e.getLevel().name(), e.getLoggerName(), e.getThreadName(),
                        e.getMessage().getFormattedMessage(), t.toString()));
            }
        };
        appender.start();
        root.addAppender(appender, null, null);
        if (everything) {
            root.setLevel(org.apache.logging.log4j.Level.ALL);
        }
        context.updateLoggers();
        return () -> {
            root.removeAppender("fuzz-capture");
            root.setLevel(before);
            context.updateLoggers();
            appender.stop();
        };
    }
}
