package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relocator.worker.testing.AgentRequestHeaders;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatorAdmin;

/**
 * Tracing through the real broker and the simulated Agents over HTTP, with the spans kept in memory
 * ({@link io.relocator.worker.testing.TestSpans}): a request's trace context reaches its intake, the wait for its
 * slots, its attempt, the Agent call and the Agent itself, and every event of it; and each log line about it names it
 * in the MDC.
 */
@QuarkusTest
@TestProfile(TracingFlowTest.Tracing.class)
class TracingFlowTest extends FlowTestSupport {

    /** Tracing on, exported to memory only (no OTLP exporter at all, so nothing tries a collector). */
    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.enabled", "false",
                    "quarkus.otel.simple", "true");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("relocator.request_id");
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("relocator.node");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("relocator.attempt");

    @Inject
    InMemorySpanExporter spans;

    @Inject
    AgentRequestHeaders agentHeaders;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.reset();
    }

    @Test
    void aRequestsTraceparentIsContinuedByEverySpanEventAndAgentCallOfIt() {
        String container = UUID.randomUUID().toString();
        String requestId = "traced-" + UUID.randomUUID();
        new SimulatorAdmin(port).placeContainer("hn-01", container);
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-01", "hn-02"), Map.of(
                    "traceparent", "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01", "tracestate", "autoscaler=t61"));
        }
        List<PublishedEvent> events = eventsFor(bootstrap, Set.of(requestId)).get(requestId);

        List<SpanData> trace = endedTrace(TRACE_ID);
        SpanData intake = only(trace, "relocator intake");
        SpanData wait = only(trace, "relocator wait");
        SpanData attempt = only(trace, "relocator attempt");
        SpanData call = only(trace, "relocator agent migrate_v2v");
        assertEquals(PRODUCER_SPAN, intake.getParentSpanId(), "the intake is a child of the producer's span");
        assertEquals(SpanKind.CONSUMER, intake.getKind());
        assertEquals(requestId, intake.getAttributes().get(REQUEST_ID));
        assertEquals(container, intake.getAttributes().get(AttributeKey.stringKey("relocator.container_id")));
        assertEquals(intake.getSpanId(), wait.getParentSpanId(), "the wait follows the hand-off");
        assertEquals("hn-02", wait.getAttributes().get(AttributeKey.stringKey("relocator.target_node")));
        assertEquals(wait.getSpanId(), attempt.getParentSpanId(), "the attempt follows the wait");
        assertEquals(1L, attempt.getAttributes().get(ATTEMPT));
        assertEquals(attempt.getSpanId(), call.getParentSpanId(), "the Agent call is part of the attempt");
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals("hn-01", call.getAttributes().get(NODE));
        assertEquals("t61", intake.getSpanContext().getTraceState().get("autoscaler"), "tracestate carried");

        assertTrue(agentHeaders.traceparents("hn-01").contains("00-" + TRACE_ID + "-" + call.getSpanId() + "-01"),
                "the Agent of hn-01 was sent the context of the call's span: " + agentHeaders.traceparents("hn-01"));

        assertEquals(List.of("STARTED", "COMPLETED"), events.stream().map(PublishedEvent::status).toList());
        for (PublishedEvent event : events) {
            String expected = "00-" + TRACE_ID + "-" + attempt.getSpanId() + "-01";
            assertEquals(expected, event.headers().get("traceparent"), event.status() + " carries its attempt's span");
            assertEquals(expected, event.headers().get("ce_traceparent"), event.status() + " as a CloudEvent too");
            assertEquals("autoscaler=t61", event.headers().get("tracestate"));
        }
        System.out.printf("One migration's trace in the worker: %d spans, depth %d (%s)%n", trace.size(),
                depth(trace), trace.stream().map(SpanData::getName).toList());
    }

    @Test
    void aRequestWithoutTraceparentStartsATraceOfItsOwn() {
        String container = UUID.randomUUID().toString();
        String requestId = "untraced-" + UUID.randomUUID();
        new SimulatorAdmin(port).placeContainer("hn-03", container);
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-03", "hn-04"));
        }
        List<PublishedEvent> events = eventsFor(bootstrap, Set.of(requestId)).get(requestId);

        SpanData intake = await().until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("relocator intake"))
                .filter(s -> requestId.equals(s.getAttributes().get(REQUEST_ID))).findFirst(), Optional::isPresent)
                .get();
        assertFalse(SpanId.isValid(intake.getParentSpanId()), "the intake is the root of its trace");
        String traceId = intake.getTraceId();
        assertNotEquals(TRACE_ID, traceId);
        List<SpanData> trace = endedTrace(traceId);
        assertEquals(intake.getSpanId(), only(trace, "relocator wait").getParentSpanId());
        for (PublishedEvent event : events) {
            assertTrue(event.headers().get("traceparent").startsWith("00-" + traceId + "-"),
                    event.status() + " carries the new trace: " + event.headers());
        }
    }

    @Test
    void aLogLineAboutARequestCarriesItsIdsInTheMdc() {
        List<ExtLogRecord> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord line) {
                    line.copyAll();
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        org.jboss.logmanager.Logger runnerLog = org.jboss.logmanager.Logger.getLogger(
                "io.relocator.worker.domain.MigrationRunner");
        runnerLog.addHandler(capture);
        try {
            String container = UUID.randomUUID().toString();
            String requestId = "logged-" + UUID.randomUUID();
            new SimulatorAdmin(port).placeContainer("hn-02", container);
            try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
                requests.send(container, request(requestId, container, "hn-02", "hn-03"));
            }
            eventsFor(bootstrap, Set.of(requestId));
            ExtLogRecord completed = await().until(() -> {
                synchronized (lines) {
                    return lines.stream().filter(l -> l.getFormattedMessage().startsWith("Migration " + requestId
                            + " completed")).findFirst();
                }
            }, Optional::isPresent).get();
            assertEquals(requestId, completed.getMdc("requestId"));
            assertEquals(container, completed.getMdc("containerId"));
        } finally {
            runnerLog.removeHandler(capture);
        }
    }

    /** The spans of trace {@code traceId} once its intake, wait, attempt and Agent call have all ended. */
    private List<SpanData> endedTrace(String traceId) {
        return await().until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList(), trace -> List.of("relocator intake",
                        "relocator wait", "relocator attempt", "relocator agent migrate_v2v").stream()
                        .allMatch(name -> trace.stream().anyMatch(s -> s.getName().equals(name))));
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertEquals(1, named.size(), name + " in " + trace.stream().map(SpanData::getName).toList());
        return named.get(0);
    }

    /** The longest chain of parent-child links among the worker's spans of one trace, counted in spans. */
    private static int depth(List<SpanData> trace) {
        int deepest = 0;
        for (SpanData span : trace) {
            int depth = 1;
            SpanData current = span;
            while (true) {
                String parent = current.getParentSpanId();
                Optional<SpanData> up = trace.stream().filter(s -> s.getSpanId().equals(parent)).findFirst();
                if (up.isEmpty()) {
                    break;
                }
                current = up.get();
                depth++;
            }
            deepest = Math.max(deepest, depth);
        }
        return deepest;
    }
}
