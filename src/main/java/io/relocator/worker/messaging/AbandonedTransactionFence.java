package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

/**
 * Aborts a transaction that a dead worker left open on the scheduler's inbox, so that the scheduler does not wait for
 * the broker to time it out.
 *
 * <p>The inbox is read {@code read_committed}: a transaction left open on it (a worker killed between writing a
 * hand-off or a release and committing) holds back every record behind it until the broker aborts it, which takes
 * the writer's {@code transaction.timeout.ms} ({@code relocator.transactions.timeout}, 30 s) plus up to the broker's
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (10 s by default): a kill of the worker holding
 * the scheduling role mid-transaction would hold back new migrations for up to 40 s past the failover. The holder of
 * the role therefore sweeps, every {@value #EVERY_MS} ms: a transaction that touches an inbox partition, has been open
 * for at least {@code minAge} (the election's session timeout: no healthy transaction of the worker stays open so
 * long), and whose worker is not a member of the scheduler election while that group is stable (every live worker is
 * a member; a dead one has left after that same session timeout; while the group rebalances, nobody is fenced) is
 * fenced ({@link Admin#fenceProducers}). The broker then aborts it at once, on every
 * partition it touched. A worker fenced so while it was only frozen (SIGSTOP, a pause past its session) stops at its
 * next commit as fenced, and its requests are delivered again, as after any fencing.
 *
 * <p>A transaction's worker is its transactional id, a worker's {@code relocator.instance-id}, less the suffix
 * {@link ControlPublisher#TRANSACTIONAL_ID_SUFFIX} of its control producer; an election member's is its client id
 * less {@link FleetScheduler#ELECTION_CLIENT_PREFIX}. The scheduler's own transactional id is never fenced here.
 *
 * <p>Sweeps run on the thread {@code relocator-transaction-fence}, from {@link #start} until {@link #close}; a sweep
 * that fails (the broker away, an ACL missing) is logged and tried again at the next.
 */
final class AbandonedTransactionFence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AbandonedTransactionFence.class);
    static final long EVERY_MS = 2_000;
    private static final long CALL_TIMEOUT_S = 5;

    private final Admin admin;
    private final String inboxTopic;
    private final String electionGroup;
    private final String ownTransactionalId;
    private final Duration minAge;
    private final Clock clock;
    private ScheduledExecutorService thread;
    private String lastFailure;

    /** Takes ownership of {@code admin} (closed by {@link #close}). */
    AbandonedTransactionFence(Admin admin, String inboxTopic, String electionGroup, String ownTransactionalId,
            Duration minAge, Clock clock) {
        this.admin = admin;
        this.inboxTopic = inboxTopic;
        this.electionGroup = electionGroup;
        this.ownTransactionalId = ownTransactionalId;
        this.minAge = minAge;
        this.clock = clock;
    }

    /** What one sweep did: the transactional ids it fenced, and those of live workers it left open. */
    record Sweep(List<String> fenced, List<String> spared) {
        static final Sweep NOTHING = new Sweep(List.of(), List.of());
    }

    /** Sweeps at once and then every {@value #EVERY_MS} ms on its own thread; called on the scheduler's thread. */
    void start() {
        thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread sweeper = new Thread(task, "relocator-transaction-fence");
            sweeper.setDaemon(true);
            return sweeper;
        });
        thread.scheduleWithFixedDelay(this::sweepQuietly, 0, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
            lastFailure = null;
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            String failure = e.toString();
            if (!failure.equals(lastFailure)) { // once per kind of failure, not every two seconds
                LOG.warnf("Sweep for abandoned transactions on %s failed, tried again every %d ms: %s", inboxTopic,
                        EVERY_MS, failure);
            }
            lastFailure = failure;
        }
    }

    /**
     * One sweep (blocking, each broker call bounded by {@value #CALL_TIMEOUT_S} s); on the fence's thread, or a test's.
     * Throws {@link IllegalStateException} when the broker cannot be asked.
     */
    Sweep sweep() {
        List<String> open = call(admin.listTransactions(new ListTransactionsOptions()
                .filterStates(List.of(TransactionState.ONGOING))).all()).stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> !id.equals(ownTransactionalId))
                .toList();
        if (open.isEmpty()) {
            return Sweep.NOTHING;
        }
        long now = clock.millis();
        List<String> stale = call(admin.describeTransactions(open).all()).entrySet().stream()
                .filter(entry -> holdsBackInbox(entry.getValue(), now))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        if (stale.isEmpty()) {
            return Sweep.NOTHING;
        }
        Optional<Set<String>> live = liveWorkers();
        if (live.isEmpty()) { // members coming and going: who is alive is told once the group is stable again
            return new Sweep(List.of(), stale);
        }
        List<String> fenced = new ArrayList<>();
        List<String> spared = new ArrayList<>();
        for (String id : stale) {
            (live.get().contains(workerOf(id)) ? spared : fenced).add(id);
        }
        if (!fenced.isEmpty()) {
            call(admin.fenceProducers(fenced).all());
            fenced.forEach(id -> LOG.warnf("Transactional id %s fenced: it held a transaction open on %s for more than "
                    + "%d s and worker %s is not in the scheduler election (dead, or frozen past its session); the "
                    + "broker aborted that transaction", id, inboxTopic, minAge.toSeconds(), workerOf(id)));
        }
        spared.forEach(id -> LOG.debugf("Transactional id %s has a transaction open on %s for more than %d s; its "
                + "worker is alive, so it is left to finish", id, inboxTopic, minAge.toSeconds()));
        return new Sweep(List.copyOf(fenced), List.copyOf(spared));
    }

    private boolean holdsBackInbox(TransactionDescription transaction, long now) {
        return transaction.state() == TransactionState.ONGOING
                && transaction.transactionStartTimeMs().isPresent()
                && now - transaction.transactionStartTimeMs().getAsLong() >= minAge.toMillis()
                && transaction.topicPartitions().stream().anyMatch(tp -> tp.topic().equals(inboxTopic));
    }

    /**
     * The workers that are members of the scheduler election now; empty while the group is not stable (rebalancing,
     * when its member list may lack a live worker).
     */
    private Optional<Set<String>> liveWorkers() {
        ConsumerGroupDescription group = call(admin.describeConsumerGroups(List.of(electionGroup))
                .describedGroups().get(electionGroup));
        if (group.groupState() != GroupState.STABLE) {
            return Optional.empty();
        }
        return Optional.of(group.members().stream()
                .map(MemberDescription::clientId)
                .filter(client -> client.startsWith(FleetScheduler.ELECTION_CLIENT_PREFIX))
                .map(client -> client.substring(FleetScheduler.ELECTION_CLIENT_PREFIX.length()))
                .collect(Collectors.toSet()));
    }

    /** The worker whose producer uses the transactional id {@code id}. */
    static String workerOf(String id) {
        return id.endsWith(ControlPublisher.TRANSACTIONAL_ID_SUFFIX)
                ? id.substring(0, id.length() - ControlPublisher.TRANSACTIONAL_ID_SUFFIX.length())
                : id;
    }

    private static <T> T call(java.util.concurrent.Future<T> future) {
        try {
            return future.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from the broker within " + CALL_TIMEOUT_S + " s", e);
        }
    }

    /** Stops sweeping and closes the admin client; on the scheduler's thread. */
    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(CALL_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.close(Duration.ZERO);
    }
}
