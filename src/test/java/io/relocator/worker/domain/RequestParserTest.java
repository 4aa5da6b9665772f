package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain unit test: the parser is pure logic over bytes and the inventory's node ids. */
class RequestParserTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String GUID = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";

    private final RequestParser parser = new RequestParser(new ObjectMapper(), Set.of("hn-01", "hn-02"),
            Map.of("live", 2));

    @Test
    void acceptsAFullRequest() {
        var accepted = assertInstanceOf(ParsedRecord.Accepted.class, parse("""
                {"requestId":"r-1","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "migrationType":"live","options":{"removeSource":true,"force":true,"noStart":false},
                 "notAfter":"2026-11-28T13:00:00+01:00","requestedBy":"autoscaler","reason":"rebalance",
                 "somethingNew":42}""".formatted(GUID)));
        MigrationRequest r = accepted.request();
        assertEquals("r-1", r.requestId());
        assertEquals(2, r.migrationType());
        assertEquals(new MigrationOptions(true, true, false), r.options());
        assertEquals(Instant.parse("2026-11-28T12:00:00Z"), r.notAfter());
        assertEquals(NOW, r.receivedAt());
    }

    @Test
    void readsThePriorityClassAndRejectsAnUnknownOne() {
        for (Priority priority : Priority.values()) {
            var accepted = assertInstanceOf(ParsedRecord.Accepted.class, parse("""
                    {"requestId":"r-p","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                     "priority":"%s"}""".formatted(GUID, priority.contractName())));
            assertEquals(priority, accepted.request().priority());
        }
        assertEquals(Priority.NORMAL, assertInstanceOf(ParsedRecord.Accepted.class,
                parse(minimal("r-d", GUID, "hn-01", "hn-02"))).request().priority(), "the default class");
        for (String bad : new String[] {"\"urgent\"", "\"HIGH\"", "1"}) {
            var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                    {"requestId":"r-p","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                     "priority":%s}""".formatted(GUID, bad)));
            assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
            assertTrue(rejected.error().message().contains("priority must be one of high, normal, low"), bad);
        }
    }

    @Test
    void readsCompleteByAndRejectsAMalformedOne() {
        var accepted = assertInstanceOf(ParsedRecord.Accepted.class, parse("""
                {"requestId":"r-c","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "completeBy":"2026-11-28T12:30:00+01:00"}""".formatted(GUID)));
        assertEquals(Instant.parse("2026-11-28T11:30:00Z"), accepted.request().completeBy(),
                "before receivedAt is allowed: it ends CANCELLED if still waiting or running then");
        assertNull(assertInstanceOf(ParsedRecord.Accepted.class, parse(minimal("r-n", GUID, "hn-01", "hn-02")))
                .request().completeBy());
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"r-c","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "completeBy":"tomorrow"}""".formatted(GUID)));
        assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
        assertTrue(rejected.error().message().contains("completeBy must be an RFC 3339 timestamp"),
                rejected.error().message());
    }

    @Test
    void readsACancelAsItsOwnKind() {
        var cancel = assertInstanceOf(ParsedRecord.Cancel.class, parse("""
                {"requestId":"c-1","cancels":"r-1","containerId":"%s","requestedBy":"ops","reason":"wrong node",
                 "sourceNode":"ignored"}""".formatted(GUID)));
        assertEquals(new CancelRequest("c-1", "r-1", GUID, "ops", "wrong node", NOW), cancel.cancel());
    }

    @Test
    void rejectsAMalformedCancelEchoingWhatItCancels() {
        var noContainer = assertInstanceOf(ParsedRecord.Rejected.class,
                parse("{\"requestId\":\"c-2\",\"cancels\":\"r-1\"}"));
        assertEquals(ErrorCode.INVALID_REQUEST, noContainer.error().code());
        assertTrue(noContainer.error().message().contains("containerId is required"), noContainer.error().message());
        assertEquals("r-1", noContainer.echo().cancels());

        var badTarget = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"c-3","cancels":"has space","containerId":"%s"}""".formatted(GUID)));
        assertTrue(badTarget.error().message().contains("cancels must be a requestId"), badTarget.error().message());

        var itself = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"c-4","cancels":"c-4","containerId":"%s"}""".formatted(GUID)));
        assertTrue(itself.error().message().contains("another request"), itself.error().message());
    }

    @Test
    void defaultsToOfflineWithoutOptions() {
        var accepted = assertInstanceOf(ParsedRecord.Accepted.class, parse(minimal("r-2", GUID, "hn-01", "hn-02")));
        assertEquals(0, accepted.request().migrationType());
        assertEquals(MigrationOptions.NONE, accepted.request().options());
        assertNull(accepted.request().notAfter());
    }

    @Test
    void sendsWhatIsNotARequestToTheDeadLetterTopic() {
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("not json {"));
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("[1,2,3]"));
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("\"a string\""));
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("{\"containerId\":\"" + GUID + "\"}"));
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("{\"requestId\":\"has space\"}"));
        assertInstanceOf(ParsedRecord.NotARequest.class, parse("{\"requestId\":\"" + "x".repeat(129) + "\"}"));
        assertInstanceOf(ParsedRecord.NotARequest.class, parser.parse(null, NOW));
    }

    @Test
    void rejectsMalformedFieldsWithEveryProblemNamed() {
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"r-3","containerId":"not-a-guid","sourceNode":"HN_01","targetNode":"hn-02",
                 "migrationType":-1,"options":{"force":"yes"},"notAfter":"tomorrow","reason":7}"""));
        assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
        String message = rejected.error().message();
        for (String field : new String[] {"containerId", "sourceNode", "migrationType", "options.force", "notAfter",
                "reason"}) {
            assertTrue(message.contains(field), () -> field + " not named in: " + message);
        }
        assertEquals("not-a-guid", rejected.echo().containerId());
    }

    @Test
    void rejectsUnknownNodesAfterWellFormedChecks() {
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse(minimal("r-4", GUID, "hn-01", "hn-99")));
        assertEquals(ErrorCode.UNKNOWN_NODE, rejected.error().code());
        assertTrue(rejected.error().message().contains("hn-99"));
    }

    @Test
    void rejectsSameSourceAndTarget() {
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse(minimal("r-5", GUID, "hn-01", "hn-01")));
        assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
    }

    @Test
    void rejectsARequestThatExpiredBeforeItWasRead() {
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"r-6","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "notAfter":"2026-11-28T11:59:59Z"}""".formatted(GUID)));
        assertEquals(ErrorCode.EXPIRED, rejected.error().code());
    }

    @Test
    void cutsOverlongStringsInTheEcho() {
        String longText = "y".repeat(10_000);
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"r-7","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "requestedBy":"%s"}""".formatted(GUID, longText)));
        assertEquals(RequestParser.TEXT_LIMIT, rejected.echo().requestedBy().length());
        assertTrue(rejected.error().message().length() < 200);
    }

    @Test
    void failsARequestWithDuplicateKeysNamingEachAndEchoingNoneOfThem() {
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class, parse("""
                {"requestId":"r-dup","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02",
                 "targetNode":"hn-02","options":{"force":false,"force":true},"extra":[{"a":1,"a":2}]}"""
                .formatted(GUID)));
        assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
        assertEquals("duplicate keys (JSON Pointer): /targetNode, /options/force, /extra/0/a",
                rejected.error().message());
        assertNull(rejected.echo().targetNode(), "which of the two would it be?");
        assertEquals("hn-01", rejected.echo().sourceNode());
        assertEquals(GUID, rejected.echo().containerId());
    }

    @Test
    void sendsARecordWithItsRequestIdGivenTwiceToTheDeadLetterTopic() {
        var dead = assertInstanceOf(ParsedRecord.NotARequest.class, parse("""
                {"requestId":"r-a","containerId":"%s","sourceNode":"hn-01","targetNode":"hn-02","requestId":"r-b"}"""
                .formatted(GUID)));
        assertEquals("no usable requestId (given more than once)", dead.reason());
    }

    @Test
    void namesAtMostFiveDuplicateKeysHoweverManyThereAre() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append(",\"k").append(i).append("\":1,\"k").append(i).append("\":2");
        }
        var rejected = assertInstanceOf(ParsedRecord.Rejected.class,
                parse(minimal("r-many", GUID, "hn-01", "hn-02").replace("}", many + "}")));
        assertEquals("duplicate keys (JSON Pointer): /k0, /k1, /k2, /k3, /k4 and 95 more", rejected.error().message());
    }

    @Test
    void quotesBadBytesInTheDeadLetterReasonAsPrintableText() {
        var dead = assertInstanceOf(ParsedRecord.NotARequest.class, parse("nul\u0000l\r\nX-Forged: 1"));
        assertEquals("not JSON: Unrecognized token 'nul\\u0000l': was expecting (JSON String, Number, Array, Object or "
                + "token 'null', 'true' or 'false')", dead.reason());
    }

    private ParsedRecord parse(String value) {
        return parser.parse(value.getBytes(StandardCharsets.UTF_8), NOW);
    }

    static String minimal(String requestId, String containerId, String source, String target) {
        return """
                {"requestId":"%s","containerId":"%s","sourceNode":"%s","targetNode":"%s"}"""
                .formatted(requestId, containerId, source, target);
    }
}
