package io.relocator.worker.messaging;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * What a unit becomes when Kafka refused some of its records for themselves (too large for the producer or the topic,
 * invalid): each refused record is replaced by a bounded dead letter saying why and naming the consumed record it was
 * written for ({@link DeadLetterRecords#standIn}), so that one poison record never holds back its transaction's other
 * units, nor its own record's offset. A stand-in refused in turn (the dead-letter topic refuses even that) is left
 * out, with an ERROR naming where the consumed record can still be found.
 *
 * <p>Plain logic, called on the committer's thread.
 */
final class RefusedRecords {

    private static final Logger LOG = Logger.getLogger(RefusedRecords.class);

    private final DeadLetterRecords deadLetters;

    RefusedRecords(DeadLetterRecords deadLetters) {
        this.deadLetters = deadLetters;
    }

    TransactionUnit replaced(TransactionUnit unit, List<BatchTransaction.Refusal> refusals) {
        List<ProducerRecord<byte[], byte[]>> refused = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> replacements = new ArrayList<>();
        for (BatchTransaction.Refusal refusal : refusals) {
            refused.add(refusal.record());
            if (unit.standIn() || unit.completes() == null) { // a grant's records are small and bounded: a bug
                LOG.errorf("Kafka refused the stand-in written for record %s@%d too (%s): nothing is written for it; "
                        + "the record itself stays in its topic until retention", unit.origin(), unit.completes(),
                        refusal.why().toString());
            } else {
                LOG.errorf("Kafka refused a %s record written for record %s@%d (%s): a dead letter without the "
                        + "payload is written instead", refusal.record().topic(), unit.origin(), unit.completes(),
                        refusal.why().toString());
                replacements.add(deadLetters.standIn(unit.origin(), unit.completes(), refusal.record(),
                        refusal.why()));
            }
        }
        return unit.replacing(refused, replacements);
    }
}
