import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the scenarios ask the broker directly, besides the events: the worker's group state. */
final class KafkaLookups {

    /** The requests topic's partitions as the worker creates them: all of them assigned means the group has settled. */
    private static final int REQUEST_PARTITIONS = 6;

    private KafkaLookups() {
    }

    /** A consumer of String keys and values, for Events. */
    static Properties stringConsumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    /**
     * Waits until the worker's consumer group is stable with every partition of the requests topic assigned, so a
     * request's queue wait does not include the worker's own group join. Returns the wait in ms, -1 if it never was.
     */
    static long awaitAssigned(String bootstrap, String group, String topic, int seconds) throws Exception {
        long start = System.currentTimeMillis();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (var admin = Admin.create(p)) {
            while (System.currentTimeMillis() - start < seconds * 1000L) {
                var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                long assigned = d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                        .filter(tp -> tp.topic().equals(topic)).count();
                if (d.groupState() == GroupState.STABLE && assigned >= REQUEST_PARTITIONS) {
                    return System.currentTimeMillis() - start;
                }
                Thread.sleep(200);
            }
        }
        Console.log("the worker's group %s was not stable with %s assigned after %d s", group, topic, seconds);
        return -1;
    }
}
