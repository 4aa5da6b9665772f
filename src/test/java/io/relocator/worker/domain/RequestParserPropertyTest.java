package io.relocator.worker.domain;

import static io.relocator.worker.testing.RandomSamples.anyChars;
import static io.relocator.worker.testing.RandomSamples.bytes;
import static io.relocator.worker.testing.RandomSamples.charsOf;
import static io.relocator.worker.testing.RandomSamples.check;
import static io.relocator.worker.testing.RandomSamples.hostileText;
import static io.relocator.worker.testing.RandomSamples.oneOf;
import static io.relocator.worker.testing.RandomSamples.pick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.relocator.worker.testing.RandomSamples;

/**
 * Plain property test over generated input ({@link io.relocator.worker.testing.RandomSamples}; no Quarkus: the
 * parser is pure logic). Whatever a producer sends, raw bytes or a request with any of its fields mangled, the parser
 * answers with exactly one of its three ends and never throws; nothing it echoes is longer than its limit or cut inside
 * a character; what it says goes into a log line or a header only as printable ASCII; duplicate keys never pass
 * silently.
 */
class RequestParserPropertyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String GUID = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";
    private static final List<String> FIELDS = List.of("requestId", "containerId", "sourceNode", "targetNode",
            "migrationType", "options", "notAfter", "requestedBy", "reason", "priority");
    private static final List<String> ECHOED = List.of("containerId", "sourceNode", "targetNode", "requestedBy",
            "reason");
    /** Bounds the longest error message (every field wrong, five duplicate keys named): a log line, not a dump. */
    private static final int MESSAGE_LIMIT = 2048;
    /**
     * The echo limits, stated here on their own: requestedBy and reason have the contract's 256; ids (a GUID, a node
     * id, a type name) are cut at 64, longer than any valid one, so that a cut id never passes for a valid one.
     */
    private static final int ID_LIMIT = 64;
    private static final int TEXT_LIMIT = 256;
    /** A dead letter's reason becomes a header and a log line. */
    private static final int REASON_LIMIT = 512;

    private final RequestParser parser = new RequestParser(new ObjectMapper(), Set.of("hn-01", "hn-02"),
            Map.of("live", 2));

    @Test
    void anyBytesEndInExactlyOneWay() {
        check(1000, RequestParserPropertyTest::rawBytes, value -> assertWithinContract(parser.parse(value, NOW)));
    }

    /** The generator reaches all three ends (else the property would prove little): each is counted. */
    @Test
    void aRequestWithAnyFieldMangledEndsInExactlyOneWay() {
        Map<String, Integer> ends = new HashMap<>();
        check(2000, RequestParserPropertyTest::nearValidRequest, value -> {
            ParsedRecord parsed = parser.parse(value.getBytes(StandardCharsets.UTF_8), NOW);
            assertWithinContract(parsed);
            ends.merge(parsed.getClass().getSimpleName(), 1, Integer::sum);
        });
        for (String end : List.of("Accepted", "Rejected", "NotARequest")) {
            assertTrue(ends.getOrDefault(end, 0) > 100, () -> "too few samples end " + end + ": " + ends);
        }
    }

    @Test
    void echoedTextsAreCutAtTheirLimitsNeverInsideACharacter() {
        check(500, r -> List.of(pick(r, ECHOED), oneOf(r, RandomSamples::hostileText,
                t -> GUID + anyChars(t, 1, 40))), sample -> {
            String field = sample.get(0);
            String text = sample.get(1);
            Map<String, String> fields = new HashMap<>(Map.of("requestId", "r-cut", "containerId", GUID,
                    "sourceNode", "hn-01", "targetNode", "hn-02", "notAfter", "not a time"));
            fields.put(field, text);
            List<List<String>> pairs = new ArrayList<>();
            fields.forEach((k, v) -> pairs.add(List.of(k, quote(v))));
            RequestEcho echo = assertInstanceOf(ParsedRecord.Rejected.class,
                    parser.parse(object(pairs).getBytes(StandardCharsets.UTF_8), NOW)).echo();
            String echoed = nullToEmpty(Map.of("containerId", nullToEmpty(echo.containerId()), "sourceNode",
                    nullToEmpty(echo.sourceNode()), "targetNode", nullToEmpty(echo.targetNode()), "requestedBy",
                    nullToEmpty(echo.requestedBy()), "reason", nullToEmpty(echo.reason())).get(field));
            int limit = field.endsWith("Id") || field.endsWith("Node") ? ID_LIMIT : TEXT_LIMIT;
            assertTrue(text.startsWith(echoed), "the echo is the start of what was given");
            if (field.equals("containerId") && RequestParser.GUID.matcher(echoed).matches()) {
                assertEquals(text, echoed, "an echo is a GUID only when the request gave that GUID");
            }
            if (echoed.length() < text.length()) {
                assertTrue(echoed.length() >= limit - 1 && echoed.length() <= limit, () -> "cut at " + echoed.length());
                assertTrue(!Character.isHighSurrogate(echoed.charAt(echoed.length() - 1)), "not inside a character");
            }
        });
    }

    @Test
    void aDuplicatedFieldFailsTheRequestNamingItAndIsNotEchoed() {
        check(300, r -> List.of(pick(r, FIELDS.subList(1, FIELDS.size())), readableValue(r), readableValue(r)),
                sample -> {
                    String field = sample.get(0);
                    String value = validRequestWith(List.of(List.of(field, sample.get(1)),
                            List.of(field, sample.get(2))));
                    var rejected = assertInstanceOf(ParsedRecord.Rejected.class,
                            parser.parse(value.getBytes(StandardCharsets.UTF_8), NOW), value);
                    assertEquals(ErrorCode.INVALID_REQUEST, rejected.error().code());
                    assertTrue(rejected.error().message().contains("duplicate keys (JSON Pointer): /" + field),
                            rejected.error().message());
                    RequestEcho echo = rejected.echo();
                    Map<String, Object> echoed = new HashMap<>();
                    echoed.put("containerId", echo.containerId());
                    echoed.put("sourceNode", echo.sourceNode());
                    echoed.put("targetNode", echo.targetNode());
                    echoed.put("migrationType", echo.migrationType());
                    echoed.put("requestedBy", echo.requestedBy());
                    echoed.put("reason", echo.reason());
                    assertEquals(null, echoed.get(field), "which of its two values would it be?");
                });
    }

    @Test
    void aDuplicatedRequestIdIsNoUsableRequestId() {
        check(200, RequestParserPropertyTest::readableValue, other -> {
            String value = validRequestWith(List.of(List.of("requestId", other)));
            var dead = assertInstanceOf(ParsedRecord.NotARequest.class,
                    parser.parse(value.getBytes(StandardCharsets.UTF_8), NOW), value);
            assertEquals("no usable requestId (given more than once)", dead.reason());
        });
    }

    /** The invariants of every answer. */
    private static void assertWithinContract(ParsedRecord parsed) {
        assertNotNull(parsed);
        if (parsed instanceof ParsedRecord.NotARequest dead) {
            assertPrintable(dead.reason(), REASON_LIMIT);
        } else if (parsed instanceof ParsedRecord.Rejected rejected) {
            RequestEcho echo = rejected.echo();
            assertTrue(RequestParser.REQUEST_ID.matcher(echo.requestId()).matches(), echo.requestId());
            assertAtMost(echo.containerId(), ID_LIMIT);
            assertAtMost(echo.sourceNode(), ID_LIMIT);
            assertAtMost(echo.targetNode(), ID_LIMIT);
            assertAtMost(echo.requestedBy(), TEXT_LIMIT);
            assertAtMost(echo.reason(), TEXT_LIMIT);
            Object type = echo.migrationType();
            assertTrue(type == null || type instanceof Long
                    || type instanceof String name && name.length() <= ID_LIMIT, () -> "" + type);
            assertNotNull(rejected.error().code());
            assertPrintable(rejected.error().message(), MESSAGE_LIMIT);
        } else {
            MigrationRequest request = assertInstanceOf(ParsedRecord.Accepted.class, parsed).request();
            assertTrue(RequestParser.REQUEST_ID.matcher(request.requestId()).matches());
            assertTrue(RequestParser.GUID.matcher(request.containerId()).matches());
            assertTrue(Set.of("hn-01", "hn-02").containsAll(List.of(request.sourceNode(), request.targetNode())));
            assertAtMost(request.requestedBy(), TEXT_LIMIT);
            assertAtMost(request.reason(), TEXT_LIMIT);
        }
    }

    private static void assertAtMost(String text, int limit) {
        assertTrue(text == null || text.length() <= limit, () -> text.length() + " > " + limit);
    }

    private static void assertPrintable(String text, int limit) {
        assertNotNull(text);
        assertAtMost(text, limit);
        assertTrue(text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), () -> "not printable ASCII: " + text);
    }

    // ---- generators ----

    private static byte[] rawBytes(SplittableRandom random) {
        return oneOf(random,
                r -> bytes(r, 600),
                r -> charsOf(r, "{}[]\":,.-+eE0123456789 \\u\t\n\u0000tfnrlaus", 300)
                        .getBytes(StandardCharsets.UTF_8),
                r -> {
                    String request = nearValidRequest(r);
                    return request.substring(0, r.nextInt(request.length() + 1)).getBytes(StandardCharsets.UTF_8);
                },
                r -> nearValidRequest(r).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A valid request with some of its fields removed, replaced by anything, given twice, or unknown ones added. */
    private static String nearValidRequest(SplittableRandom random) {
        List<List<String>> mutations = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            mutations.add(List.of(pick(random, FIELDS), pick(random, List.of("remove", "replace", "duplicate")),
                    jsonValue(random)));
        }
        List<List<String>> unknown = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            unknown.add(List.of(hostileText(random), jsonValue(random)));
        }
        return mutated(mutations, unknown);
    }

    /** Any JSON value, also past what Jackson reads (nesting deeper than 1,000, numbers of more than 1,000 digits). */
    private static String jsonValue(SplittableRandom random) {
        return random.nextInt(20) > 0 ? readableValue(random)
                : pick(random, List.of(nested(1001), nested(1500), "9".repeat(1001)));
    }

    /** JSON values that Jackson reads. */
    private static String readableValue(SplittableRandom random) {
        return oneOf(random,
                r -> quote(hostileText(r)),
                r -> pick(r, List.of("\"" + GUID + "\"", "\"hn-01\"", "\"hn-02\"", "\"live\"", "\"offline\"",
                        "\"high\"", "\"2026-11-28T13:00:00Z\"", "\"+999999999-12-31T23:59:59Z\"", "\"\\ud800\"",
                        "\"a8a73d01-2969-6b48-9544-5cbf6ea7c554\\r\\nX-Injected: 1\"", "\"\\u0000\"")),
                r -> pick(r, List.of("null", "true", "false", "0", "-1", "2147483648", "9223372036854775808",
                        "1e400", "-0.0", "1.5", "9".repeat(1000), "1" + "0".repeat(400) + ".5")),
                r -> nested(1 + r.nextInt(900)),
                r -> pick(r, List.of("{}", "[]", "{\"force\":\"yes\",\"force\":true}", "{\"removeSource\":1}",
                        "{\"noStart\":true,\"noStart\":false}", "[{\"a\":1,\"a\":2}]")));
    }

    private static String mutated(List<List<String>> mutations, List<List<String>> unknown) {
        List<List<String>> fields = new ArrayList<>(List.of(List.of("requestId", "\"r-1\""),
                List.of("containerId", "\"" + GUID + "\""), List.of("sourceNode", "\"hn-01\""),
                List.of("targetNode", "\"hn-02\"")));
        for (List<String> m : mutations) {
            String field = m.get(0);
            switch (m.get(1)) {
                case "remove" -> fields.removeIf(f -> f.get(0).equals(field));
                case "replace" -> {
                    fields.removeIf(f -> f.get(0).equals(field));
                    fields.add(List.of(field, m.get(2)));
                }
                default -> fields.add(List.of(field, m.get(2)));
            }
        }
        for (List<String> u : unknown) {
            fields.add(List.of(u.get(0), u.get(1)));
        }
        return object(fields);
    }

    private static String validRequestWith(List<List<String>> extra) {
        List<List<String>> fields = new ArrayList<>(List.of(List.of("requestId", "\"r-1\""),
                List.of("containerId", "\"" + GUID + "\""), List.of("sourceNode", "\"hn-01\""),
                List.of("targetNode", "\"hn-02\"")));
        fields.removeIf(f -> extra.stream().anyMatch(e -> e.get(0).equals(f.get(0))) && !f.get(0).equals("requestId"));
        fields.addAll(extra);
        return object(fields);
    }

    private static String object(List<List<String>> fields) {
        StringBuilder json = new StringBuilder("{");
        for (List<String> f : fields) {
            json.append(json.length() > 1 ? "," : "").append(quote(f.get(0))).append(':').append(f.get(1));
        }
        return json.append('}').toString();
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "{\"a\":1}" + "]".repeat(depth);
    }

    /** A JSON string of {@code text}: control characters, quotes, backslashes and lone surrogates escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (Character.isSurrogate(c) && !paired
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))))) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
