package io.relocator.worker.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.relocator.worker.testing.BrokerWithAdmin;

/**
 * The sweep of {@link AbandonedTransactionFence} against a real broker: a transaction left open on the inbox by a
 * worker that is not in the scheduler election is fenced (the broker aborts it, and records behind it become readable
 * {@code read_committed}); one of a worker still in the election, and one that does not touch the inbox, are left.
 */
class AbandonedTransactionFenceBrokerTest {

    @RegisterExtension
    static final BrokerWithAdmin BROKER = new BrokerWithAdmin();

    @Test
    void fencesOnlyTheOpenInboxTransactionOfAWorkerOutsideTheElection() throws Exception {
        String run = "f" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String inbox = run + "inbox";
        String other = run + "other";
        String election = run + "scheduler";
        BROKER.admin().createTopics(List.of(new NewTopic(inbox, 2, (short) 1), new NewTopic(other, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);

        String dead = run + "worker-0";
        String alive = run + "worker-1";
        String elsewhere = run + "worker-2";
        List<KafkaProducer<String, String>> producers = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread member = electionMember(election, other, alive, polling);
        try (AbandonedTransactionFence fence = new AbandonedTransactionFence(
                Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap())), inbox, election, election,
                Duration.ofSeconds(1), Clock.systemUTC())) {
            // the dead worker's last: once it is old enough to be fenced, the others are too
            KafkaProducer<String, String> aliveProducer = openTransaction(alive, inbox, "still being written",
                    producers);
            openTransaction(elsewhere, other, "not on the inbox", producers);
            KafkaProducer<String, String> deadProducer = openTransaction(dead + ControlPublisher.TRANSACTIONAL_ID_SUFFIX,
                    inbox, "left open by a killed worker", producers);
            await("the live worker in the election").atMost(Duration.ofSeconds(60))
                    .until(() -> !BROKER.admin().describeConsumerGroups(List.of(election)).describedGroups().get(election)
                            .get(10, TimeUnit.SECONDS).members().isEmpty());

            AbandonedTransactionFence.Sweep sweep = await("a sweep that fences").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(fence::sweep, done -> !done.fenced().isEmpty());

            assertEquals(List.of(dead + ControlPublisher.TRANSACTIONAL_ID_SUFFIX), sweep.fenced());
            assertEquals(List.of(alive), sweep.spared());
            await("the broker aborts the fenced transaction").atMost(Duration.ofSeconds(20))
                    .until(() -> BROKER.admin().describeTransactions(List.of(dead + ControlPublisher.TRANSACTIONAL_ID_SUFFIX))
                            .all().get(10, TimeUnit.SECONDS).values().iterator().next().state()
                            != TransactionState.ONGOING);
            assertThrows(KafkaException.class, deadProducer::commitTransaction, "the dead worker's producer is fenced");
            aliveProducer.commitTransaction();
            assertEquals(List.of("still being written"), committedValues(inbox, 1));
        } finally {
            polling.set(false);
            member.join(30_000);
            producers.forEach(producer -> producer.close(Duration.ZERO));
        }
    }

    /** A producer with its transaction open on partition 0 of {@code topic}, not timed out by the broker in the test. */
    private static KafkaProducer<String, String> openTransaction(String transactionalId, String topic, String value,
            List<KafkaProducer<String, String>> producers) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
        KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer());
        producers.add(producer);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 0, "key", value)).get(30, TimeUnit.SECONDS);
        return producer;
    }

    /** A member of the election group as a live worker's scheduler election is: its client id names the worker. */
    private static Thread electionMember(String group, String topic, String worker, AtomicBoolean polling) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, FleetScheduler.ELECTION_CLIENT_PREFIX + worker);
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (polling.get()) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }
        }, "election-member-" + worker);
        thread.start();
        return thread;
    }

    /** What a {@code read_committed} reader finds on partition 0 of {@code topic}, once it has {@code expected}. */
    private static List<String> committedValues(String topic, int expected) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            await("committed records on " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
