package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class RequestLogTest {

    @Test
    void aLineAboutARequestCarriesItsIdsInItsMdcAndLeavesTheThreadsMdcAsItWas() {
        List<ExtLogRecord> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                ExtLogRecord line = (ExtLogRecord) record;
                line.copyAll();
                lines.add(line);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        org.jboss.logmanager.Logger logger = org.jboss.logmanager.Logger.getLogger(RequestLogTest.class.getName());
        logger.addHandler(capture);
        try {
            MigrationRequest request = new MigrationRequest("r-1", "c-1", "a", "b", 0, MigrationOptions.NONE, null,
                    null, null, Priority.NORMAL, Instant.EPOCH, null);
            MDC.put("requestId", "outer");
            RequestLog.of(RequestLogTest.class).infof(request, "Migration %s went", request.requestId());
            assertEquals("outer", MDC.get("requestId"), "the thread's MDC is restored");
            MDC.remove("requestId");
            assertEquals(1, lines.size());
            assertEquals("r-1", lines.get(0).getMdc("requestId"));
            assertEquals("RequestLogTest", lines.get(0).getSourceClassName().replaceAll(".*\\.", ""),
                    "the caller is the class that logs, not RequestLog");
            assertEquals("c-1", lines.get(0).getMdc("containerId"));
            assertEquals("Migration r-1 went", lines.get(0).getFormattedMessage());
            assertNull(MDC.get("containerId"));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
