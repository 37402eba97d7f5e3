package dev.kiff.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What Kiff's own loggers ({@code dev.kiff.*}) log while it is open: for tests of what an operator would read. */
final class LogEvents implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger("dev.kiff");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogEvents() {
        appender.start();
        root.addAppender(appender);
    }

    /** The messages, formatted, logged at {@code level} so far. */
    List<String> at(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel() == level)
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
