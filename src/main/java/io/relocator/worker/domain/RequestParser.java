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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one record's bytes into a {@link ParsedRecord}, checking every rule of the contract's MigrationRequest.
 * Pure logic: the inventory's node ids and the named migration types are given at construction.
 */
public final class RequestParser {

    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int TEXT_LIMIT = 256;
    private static final int ECHO_ID_LIMIT = 64;

    private final ObjectMapper json;
    private final Set<String> nodeIds;
    private final Map<String, Integer> migrationTypes;

    public RequestParser(ObjectMapper json, Set<String> nodeIds, Map<String, Integer> migrationTypes) {
        this.json = json;
        this.nodeIds = Set.copyOf(nodeIds);
        this.migrationTypes = Map.copyOf(migrationTypes);
    }

    public ParsedRecord parse(byte[] value, Instant receivedAt) {
        JsonNode root;
        try {
            root = value == null ? null : json.readTree(value);
        } catch (JsonProcessingException e) {
            return new ParsedRecord.NotARequest("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new ParsedRecord.NotARequest("not JSON");
        }
        if (root == null || !root.isObject()) {
            return new ParsedRecord.NotARequest("not a JSON object");
        }
        JsonNode requestId = root.get("requestId");
        if (requestId == null || !requestId.isTextual() || !REQUEST_ID.matcher(requestId.asText()).matches()) {
            return new ParsedRecord.NotARequest("no usable requestId (1-128 of [A-Za-z0-9._:-])");
        }
        return new FieldCheck(root, receivedAt).result();
    }

    /** The checks of one object; collects every problem so the requester sees them all at once. */
    private final class FieldCheck {
        private final JsonNode root;
        private final Instant receivedAt;
        private final List<String> invalid = new ArrayList<>();
        private final List<String> unknownNodes = new ArrayList<>();

        FieldCheck(JsonNode root, Instant receivedAt) {
            this.root = root;
            this.receivedAt = receivedAt;
        }

        ParsedRecord result() {
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
            MigrationError error = error(notAfter);
            if (error != null) {
                return new ParsedRecord.Rejected(echo(), error);
            }
            return new ParsedRecord.Accepted(new MigrationRequest(text("requestId"), containerId, source, target,
                    type, options, notAfter, requestedBy, reason, priority, receivedAt));
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
            JsonNode node = root.get("notAfter");
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
            invalid.add("notAfter must be an RFC 3339 timestamp with an offset");
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

        private RequestEcho echo() {
            JsonNode type = root.get("migrationType");
            Object echoedType = type == null || type.isNull() ? null
                    : type.isIntegralNumber() && type.canConvertToLong() ? (Object) type.longValue()
                    : cut(type.asText(), ECHO_ID_LIMIT);
            return new RequestEcho(text("requestId"), echoText("containerId", ECHO_ID_LIMIT),
                    echoText("sourceNode", ECHO_ID_LIMIT), echoText("targetNode", ECHO_ID_LIMIT), echoedType,
                    echoText("requestedBy", TEXT_LIMIT), echoText("reason", TEXT_LIMIT));
        }

        private String echoText(String field, int limit) {
            JsonNode node = root.get(field);
            return node == null || !node.isValueNode() || node.isNull() ? null : cut(node.asText(), limit);
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

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit);
    }
}
