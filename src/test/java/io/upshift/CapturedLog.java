package io.upshift;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Every log line written while open, formatted by the application's own layout (from
 * log4j2.properties): what an operator would read in the log.
 */
public final class CapturedLog implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    public CapturedLog() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        PatternLayout layout = (PatternLayout) logging.getConfiguration().getAppender("out").getLayout();
        appender = new AbstractAppender("captured-" + System.nanoTime(), null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(layout.toSerializable(event));
            }
        };
        appender.start();
        logging.getRootLogger().addAppender(appender);
    }

    /** The captured text, line breaks included (each log line ends with one). */
    public String text() {
        return String.join("", lines);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        ((LoggerContext) LogManager.getContext(false)).getRootLogger().removeAppender(appender);
        appender.stop();
    }
}
