package io.relocator.worker.domain;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The keys a JSON document gives more than once in one object. Jackson's tree keeps the last of them silently and its
 * strict mode stops at the first; {@link RequestParser} needs all of them, and whether {@code requestId} is one.
 * Called only for a document the strict parse refused and the lenient one read, so it costs nothing on valid input.
 *
 * @param topLevel the duplicated keys of the document's own object
 * @param paths    JSON Pointers of the first duplicates, at most {@value #SHOWN}, each printable and bounded
 * @param count    how many duplicates there are in all
 */
record DuplicateKeys(Set<String> topLevel, List<String> paths, int count) {

    static final int SHOWN = 5;
    static final DuplicateKeys NONE = new DuplicateKeys(Set.of(), List.of(), 0);
    private static final int PATH_LIMIT = 64;

    static DuplicateKeys in(JsonFactory factory, byte[] document) throws IOException {
        Set<String> topLevel = new HashSet<>();
        List<String> paths = new ArrayList<>();
        int count = 0;
        Deque<Set<String>> objects = new ArrayDeque<>(); // the keys seen so far in each open object or array
        try (JsonParser parser = factory.createParser(document)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    objects.push(new HashSet<>());
                } else if (token == JsonToken.START_ARRAY) {
                    objects.push(Set.of()); // a placeholder: arrays have no keys
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    objects.pop();
                } else if (token == JsonToken.FIELD_NAME && !objects.peek().add(parser.currentName())) {
                    count++;
                    if (objects.size() == 1) {
                        topLevel.add(parser.currentName());
                    }
                    if (paths.size() < SHOWN) {
                        paths.add(PrintableText.of(parser.getParsingContext().pathAsPointer().toString(), PATH_LIMIT));
                    }
                }
            }
        }
        return new DuplicateKeys(Set.copyOf(topLevel), List.copyOf(paths), count);
    }

    boolean none() {
        return count == 0;
    }

    /** For an error message: which keys, bounded however many there are. */
    String describe() {
        String shown = String.join(", ", paths);
        return "duplicate keys (JSON Pointer): " + shown + (count > paths.size() ? " and " + (count - paths.size())
                + " more" : "");
    }
}
