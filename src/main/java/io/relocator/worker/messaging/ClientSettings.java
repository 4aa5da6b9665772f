package io.relocator.worker.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The application's {@code kafka.*} properties, narrowed to what one Kafka client type accepts. */
final class ClientSettings {

    private ClientSettings() {
    }

    /** A mutable copy of {@code kafka} with only the keys in {@code accepted} (e.g. {@code ProducerConfig.configNames()}). */
    static Map<String, Object> of(Map<String, Object> kafka, Set<String> accepted) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.keySet().retainAll(accepted);
        return settings;
    }
}
