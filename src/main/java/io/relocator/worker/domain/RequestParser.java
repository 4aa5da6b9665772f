package io.relocator.worker.domain;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one record's bytes into a {@link ParsedRecord}, checking every rule of the contract's MigrationRequest.
 * Pure logic: the inventory's node ids and the named migration types are given at construction. Whatever the bytes,
 * the answer is one of the three ends, never an exception; what it echoes of a rejected request is cut to the
 * contract's limits, and a dead letter's reason is printable and bounded ({@code RequestParserPropertyTest}).
 *
 * <p>Duplicate keys: JSON leaves their meaning open (Jackson would keep the last one silently), so a request that has
 * any, anywhere, is refused. With a usable requestId given once it ends FAILED {@code INVALID_REQUEST} naming the keys;
 * a duplicated requestId is no usable requestId, and the record goes to the dead-letter topic.
 */
public final class RequestParser {

    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int TEXT_LIMIT = 256;
    /**
     * Echo limit of an id (containerId, node ids, a migration type name): longer than any valid GUID (36) or node id
     * (63), so a valid one is echoed whole and one that had to be cut can never pass for a valid one (a malformed
     * containerId cut to 36 characters might read as a GUID, and would then key the event).
     */
    static final int ECHO_ID_LIMIT = 64;
    /** Longest dead-letter reason: it becomes a header and a log line. */
    static final int REASON_LIMIT = 512;

    private final ObjectMapper json;
    /** The same mapper refusing duplicate keys: one pass over valid input, which has none. */
    private final ObjectMapper strict;
    private final Set<String> nodeIds;
    private final Map<String, Integer> migrationTypes;

    public RequestParser(ObjectMapper json, Set<String> nodeIds, Map<String, Integer> migrationTypes) {
        this.json = json;
        this.strict = json.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.nodeIds = Set.copyOf(nodeIds);
        this.migrationTypes = Map.copyOf(migrationTypes);
    }

    public ParsedRecord parse(byte[] value, Instant receivedAt) {
        if (value == null) {
            return new ParsedRecord.NotARequest("not a JSON object");
        }
        JsonNode root;
        DuplicateKeys duplicates = DuplicateKeys.NONE;
        try {
            root = strict.readTree(value);
        } catch (IOException refused) {
            try {
                root = json.readTree(value); // reads it when duplicate keys were all that was wrong
                duplicates = DuplicateKeys.in(json.getFactory(), value);
            } catch (IOException e) {
                return notJson(e);
            }
        }
        if (root == null || !root.isObject()) {
            return new ParsedRecord.NotARequest("not a JSON object");
        }
        if (duplicates.topLevel().contains("requestId")) {
            return new ParsedRecord.NotARequest("no usable requestId (given more than once)");
        }
        JsonNode requestId = root.get("requestId");
        if (requestId == null || !requestId.isTextual() || !REQUEST_ID.matcher(requestId.asText()).matches()) {
            return new ParsedRecord.NotARequest("no usable requestId (1-128 of [A-Za-z0-9._:-])");
        }
        return new FieldCheck(root, duplicates, receivedAt).result();
    }

    /** The parser's own words quote the input: printable and bounded, they may go into a header and a log line. */
    private static ParsedRecord notJson(IOException e) {
        String why = e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : null;
        return new ParsedRecord.NotARequest(why == null ? "not JSON" : PrintableText.of("not JSON: " + why,
                REASON_LIMIT));
    }

    /** The checks of one object; collects every problem so the requester sees them all at once. */
    private final class FieldCheck {
        private final JsonNode root;
        private final DuplicateKeys duplicates;
        private final Instant receivedAt;
        private final List<String> invalid = new ArrayList<>();
        private final List<String> unknownNodes = new ArrayList<>();

        FieldCheck(JsonNode root, DuplicateKeys duplicates, Instant receivedAt) {
            this.root = root;
            this.duplicates = duplicates;
            this.receivedAt = receivedAt;
            if (!duplicates.none()) {
                invalid.add(duplicates.describe());
            }
        }

        ParsedRecord result() {
            if (root.has("cancels")) {
                return cancel();
            }
            String containerId = required("containerId", GUID, "a GUID (8-4-4-4-12 hex)");
            String source = node("sourceNode");
            String target = node("targetNode");
            if (source != null && source.equals(target)) {
                invalid.add("targetNode must differ from sourceNode");
            }
            Integer type = migrationType();
            MigrationOptions options = options();
            Instant notAfter = notAfter();
            String requestedBy = optionalText("requestedBy");
            String reason = optionalText("reason");
            Priority priority = priority();
            Instant completeBy = timestamp("completeBy");
            MigrationError error = error(notAfter);
            if (error != null) {
                return new ParsedRecord.Rejected(echo(), error);
            }
            return new ParsedRecord.Accepted(new MigrationRequest(text("requestId"), containerId, source, target,
                    type, options, notAfter, requestedBy, reason, priority, receivedAt, completeBy));
        }

        /** A cancel: its own requestId, the requestId it cancels, the container (its key), and the audit texts. */
        private ParsedRecord cancel() {
            String cancels = required("cancels", REQUEST_ID, "a requestId (1-128 of [A-Za-z0-9._:-])");
            String containerId = required("containerId", GUID, "a GUID (8-4-4-4-12 hex)");
            String requestedBy = optionalText("requestedBy");
            String reason = optionalText("reason");
            if (cancels != null && cancels.equals(text("requestId"))) {
                invalid.add("cancels must name another request than the cancel itself");
            }
            if (!invalid.isEmpty()) {
                return new ParsedRecord.Rejected(echo(), MigrationError.of(ErrorCode.INVALID_REQUEST,
                        String.join("; ", invalid), false));
            }
            return new ParsedRecord.Cancel(new CancelRequest(text("requestId"), cancels, containerId, requestedBy,
                    reason, receivedAt));
        }

        private MigrationError error(Instant notAfter) {
            if (!invalid.isEmpty()) {
                return MigrationError.of(ErrorCode.INVALID_REQUEST, String.join("; ", invalid), false);
            }
            if (!unknownNodes.isEmpty()) {
                return MigrationError.of(ErrorCode.UNKNOWN_NODE,
                        "not in the node inventory: " + String.join(", ", unknownNodes), false);
            }
            if (notAfter != null && receivedAt.isAfter(notAfter)) {
                return MigrationError.of(ErrorCode.EXPIRED, "notAfter passed before the request was read", true);
            }
            return null;
        }

        private String node(String field) {
            String id = required(field, NODE_ID, "a node id ([a-z0-9][a-z0-9-]{0,62})");
            if (id != null && !nodeIds.contains(id)) {
                unknownNodes.add(field + " '" + id + "'");
            }
            return id;
        }

        private String required(String field, Pattern pattern, String expected) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                invalid.add(field + " is required");
                return null;
            }
            if (!node.isTextual() || !pattern.matcher(node.asText()).matches()) {
                invalid.add(field + " must be " + expected);
                return null;
            }
            return node.asText();
        }

        private Integer migrationType() {
            JsonNode node = root.get("migrationType");
            if (node == null || node.isNull()) {
                return 0;
            }
            if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0) {
                return node.intValue();
            }
            if (node.isTextual()) {
                Integer named = "offline".equals(node.asText()) ? Integer.valueOf(0) : migrationTypes.get(node.asText());
                if (named != null) {
                    return named;
                }
            }
            invalid.add("migrationType must be an integer >= 0 or one of the configured names " + typeNames());
            return null;
        }

        private MigrationOptions options() {
            JsonNode node = root.get("options");
            if (node == null || node.isNull()) {
                return MigrationOptions.NONE;
            }
            if (!node.isObject()) {
                invalid.add("options must be an object");
                return null;
            }
            return new MigrationOptions(flag(node, "removeSource"), flag(node, "force"), flag(node, "noStart"));
        }

        private boolean flag(JsonNode options, String field) {
            JsonNode node = options.get(field);
            if (node == null || node.isNull()) {
                return false;
            }
            if (!node.isBoolean()) {
                invalid.add("options." + field + " must be a boolean");
                return false;
            }
            return node.booleanValue();
        }

        private Instant notAfter() {
            return timestamp("notAfter");
        }

        private Instant timestamp(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            try {
                if (node.isTextual()) {
                    return OffsetDateTime.parse(node.asText()).toInstant();
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            invalid.add(field + " must be an RFC 3339 timestamp with an offset");
            return null;
        }

        private Priority priority() {
            JsonNode node = root.get("priority");
            if (node == null || node.isNull()) {
                return Priority.NORMAL;
            }
            Optional<Priority> named = node.isTextual() ? Priority.fromContractName(node.asText()) : Optional.empty();
            if (named.isEmpty()) {
                invalid.add("priority must be one of high, normal, low");
                return Priority.NORMAL;
            }
            return named.get();
        }

        private String optionalText(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual() || node.asText().length() > TEXT_LIMIT) {
                invalid.add(field + " must be a string of at most " + TEXT_LIMIT + " characters");
                return null;
            }
            return node.asText();
        }

        private String text(String field) {
            return root.get(field).asText();
        }

        /** What could be read: a field given more than once is not echoed (which of its values would it be?). */
        private RequestEcho echo() {
            JsonNode type = echoed("migrationType");
            Object echoedType = type == null ? null
                    : type.isIntegralNumber() && type.canConvertToLong() ? (Object) type.longValue()
                    : cut(type.asText(), ECHO_ID_LIMIT);
            return new RequestEcho(text("requestId"), echoText("containerId", ECHO_ID_LIMIT),
                    echoText("sourceNode", ECHO_ID_LIMIT), echoText("targetNode", ECHO_ID_LIMIT), echoedType,
                    echoText("requestedBy", TEXT_LIMIT), echoText("reason", TEXT_LIMIT), echoText("cancels", 128));
        }

        private String echoText(String field, int limit) {
            JsonNode node = echoed(field);
            return node == null ? null : cut(node.asText(), limit);
        }

        /** The field's value when it is a single one and a value (not an object or an array), or null. */
        private JsonNode echoed(String field) {
            JsonNode node = root.get(field);
            boolean single = !duplicates.topLevel().contains(field);
            return single && node != null && node.isValueNode() && !node.isNull() ? node : null;
        }
    }

    private String typeNames() {
        List<String> names = new ArrayList<>(migrationTypes.keySet());
        if (!names.contains("offline")) {
            names.add("offline");
        }
        names.sort(null);
        return names.toString();
    }

    /** The first {@code limit} characters at most, never half of a surrogate pair. */
    private static String cut(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
        return text.substring(0, end);
    }
}
