package io.relocator.worker.domain;

import java.util.HashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;

/**
 * A logger for lines about one request: each line carries the request's {@code requestId} and {@code containerId} in
 * its MDC (the text format shows {@code %X{requestId}}; JSON logs have both as fields), on whatever thread logs it: a
 * Kafka thread, a Vert.x event loop, a Mutiny timer. The ids are set on the line itself, not on the thread: the
 * thread's MDC is left as it was (and on a thread whose Vert.x context is not a duplicated one, Quarkus's MDC would not
 * keep a value from one call to the next). Any thread.
 */
public final class RequestLog {

    public static final String REQUEST_ID = "requestId";
    public static final String CONTAINER_ID = "containerId";

    private final org.jboss.logmanager.Logger log;

    private RequestLog(org.jboss.logmanager.Logger log) {
        this.log = log;
    }

    public static RequestLog of(Class<?> owner) {
        return new RequestLog(org.jboss.logmanager.Logger.getLogger(owner.getName()));
    }

    public void debugf(MigrationRequest request, String format, Object... params) {
        logf(Logger.Level.DEBUG, request.requestId(), request.containerId(), null, format, params);
    }

    public void infof(MigrationRequest request, String format, Object... params) {
        logf(Logger.Level.INFO, request.requestId(), request.containerId(), null, format, params);
    }

    public void warnf(MigrationRequest request, String format, Object... params) {
        logf(Logger.Level.WARN, request.requestId(), request.containerId(), null, format, params);
    }

    /** A line about a request known by its ids only (a rejected one, say); {@code containerId} may be null. */
    public void logf(Logger.Level level, String requestId, String containerId, Throwable failure, String format,
            Object... params) {
        java.util.logging.Level jul = julLevel(level);
        if (!log.isLoggable(jul)) {
            return;
        }
        ExtLogRecord line = new ExtLogRecord(jul, format, ExtLogRecord.FormatStyle.PRINTF,
                RequestLog.class.getName());
        line.setLoggerName(log.getName());
        line.setParameters(params);
        line.setThrown(failure);
        Map<String, Object> mdc = new HashMap<>(MDC.copyObject());
        mdc.put(REQUEST_ID, requestId);
        if (containerId != null) {
            mdc.put(CONTAINER_ID, containerId);
        }
        line.setMdc(mdc);
        log.logRaw(line);
    }

    private static java.util.logging.Level julLevel(Logger.Level level) {
        return switch (level) {
            case FATAL -> org.jboss.logmanager.Level.FATAL;
            case ERROR -> org.jboss.logmanager.Level.ERROR;
            case WARN -> org.jboss.logmanager.Level.WARN;
            case INFO -> org.jboss.logmanager.Level.INFO;
            case DEBUG -> org.jboss.logmanager.Level.DEBUG;
            case TRACE -> org.jboss.logmanager.Level.TRACE;
        };
    }
}
