package io.relocator.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Everything an operator sets under {@code relocator.*}: the node inventory, the concurrency bounds, topics and how
 * the worker talks to Agents. The README's configuration table lists the same keys; keep both in step.
 */
@ConfigMapping(prefix = "relocator")
public interface RelocatorConfig {

    /** The node inventory, keyed by node id ({@code [a-z0-9][a-z0-9-]{0,62}}). Requests name nodes only by these ids. */
    Map<String, Node> nodes();

    /** Concurrency bounds. */
    Concurrency concurrency();

    /**
     * Named migration types a request may give instead of a number (sent as {@code options/type}). {@code offline=0}
     * is always known, even when not listed.
     */
    Map<String, Integer> migrationTypes();

    /** The fleet's scheduler (one process holds the role). */
    Scheduler scheduler();

    /** Trying again after failures where the Agent certainly did not start the migration. */
    Retry retry();

    /** Settling attempts whose answer was lost, by asking the Agents. */
    Reconcile reconcile();

    /** Holding calls back from a node whose Agent cannot be reached. */
    Circuit circuit();

    /** Stopping without losing work. */
    Shutdown shutdown();

    /** What happens on SIGTERM. */
    interface Shutdown {
        /**
         * How long running migrations may go on to their outcome once the worker stops taking requests. Calls still
         * running then are left unacknowledged: redelivered after the restart, and reconciled.
         */
        @WithDefault("60s")
        Duration drainTimeout();
    }

    /**
     * This worker process's name: its Kafka transactional id and its static group membership are derived from it. It
     * must be unique among the workers of one deployment and the same across a process's restarts (a StatefulSet pod
     * name, say), so that a restarted worker takes its partitions back at once and aborts what its previous life left
     * open. Default: the {@code HOSTNAME} environment variable; without either the worker refuses to start
     * ({@link InstanceIdRule}).
     */
    @WithDefault("${HOSTNAME:}")
    Optional<String> instanceId();

    /** This process's role. */
    Worker worker();

    interface Worker {
        /** Whether this process consumes requests. Off only for a process that serves nothing but the Agent simulator. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Kafka transactions: each commits a batch of events, outcome marks and the consumed offsets they complete. */
    Transactions transactions();

    interface Transactions {
        /**
         * The most units of work in one transaction (a hand-off to the scheduler, a STARTED event with its in-flight
         * mark, a terminal event with its ended mark and release, a dead letter...).
         */
        @WithDefault("500")
        int maxBatch();

        /**
         * The broker aborts a transaction left open this long ({@code transaction.timeout.ms}): how long a worker
         * that died mid-transaction can hold back readers of its topics, when it does not come back under the same
         * instance id.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    /** How long a requestId is remembered: a duplicate arriving within this window never runs again. */
    @WithDefault("P7D")
    Duration idempotencyWindow();

    /** Kafka topics the worker reads and writes. */
    Topics topics();

    /** How the worker talks to the Agents. */
    Agent agent();

    /** The outgoing MigrationEvents. */
    Events events();

    /** One Hardware Node of the inventory. */
    interface Node {
        /** The node's Agent SOAP endpoint, e.g. {@code https://hn-01.dc1.example:4646}. The Agent called when this node is a source. */
        String agentUrl();

        /** Address sent as {@code dst/address} when this node is a destination. */
        String address();

        /** Port sent as {@code dst/port} when this node is a destination (the Agent's XML API over SSL). */
        @WithDefault("4434")
        int port();

        /** Protocol sent as {@code dst/protocol} when this node is a destination. */
        @WithDefault("SSL")
        String protocol();

        /** The realm (a GUID) of the user below; the system realm by default. */
        @WithDefault("00000000-0000-0000-0000-000000000000")
        String realm();

        /** User name to log in to this node's Agent, and sent as {@code dst/login/name} when it is a destination. */
        String username();

        /** Password of that user: from the environment or a secret, never a file in git. Never logged (redacted type). */
        Secret password();

        /** Override of {@code relocator.concurrency.per-target-node} for migrations into this node. */
        OptionalInt maxIncoming();

        /** Override of {@code relocator.concurrency.per-source-node} for migrations out of this node. */
        OptionalInt maxOutgoing();

        /** Override of {@code relocator.agent.connect-timeout} for this node's Agent. */
        Optional<Duration> connectTimeout();

        /** Override of {@code relocator.agent.receive-timeout} for this node's Agent. */
        Optional<Duration> receiveTimeout();
    }

    /** Bounds on migrations running at once. */
    interface Concurrency {
        /** Migrations at once into one target node (unless the node sets {@code max-incoming}). */
        @WithDefault("2")
        int perTargetNode();

        /** Migrations at once out of one source node (unless the node sets {@code max-outgoing}). */
        @WithDefault("4")
        int perSourceNode();

        /**
         * Agent calls at once in this worker process, all nodes together: a per-process cap on calls. Grants of the
         * fleet's scheduler beyond it wait in the process for a call to end (they keep their slots meanwhile).
         */
        @WithDefault("1000")
        int maxInFlight();

        /** Migrations at once in the whole fleet of workers, all processes together; unset: no fleet-wide limit. */
        OptionalInt clusterMax();
    }

    /** The fleet's scheduler: one worker process at a time holds the role and counts every bound for all of them. */
    interface Scheduler {
        /**
         * Requests the scheduler holds waiting for a slot, fleet-wide. Past it, the scheduler stops reading new
         * requests from its inbox (they wait there, durably, in order) while it still takes every release: nothing is
         * dropped and no slot is lost.
         */
        @WithDefault("100000")
        int maxWaiting();

        /**
         * How soon after the process holding the scheduling role dies another one takes it over and new migrations
         * start again. The scheduler's consumer group uses half of it as its session timeout (at least 6 s, the
         * broker's usual minimum); the rest covers the rebalance, fencing the old scheduler and reading the state back.
         */
        @WithDefault("15s")
        Duration failoverTimeout();

        /**
         * How long a waiting request takes to count as the next priority class up ({@code low} as {@code normal},
         * {@code normal} as {@code high}), so that lower classes are delayed, never starved.
         */
        @WithDefault("10m")
        Duration priorityAging();

        /** How often the scheduler's load is logged while requests wait for a slot. */
        @WithDefault("30s")
        Duration reportInterval();
    }

    /** Retries of safe failures: nothing was sent, the request was turned away, or a listed Agent code. */
    interface Retry {
        /** Attempts in all, the first included; 1 turns retries off. */
        @WithDefault("3")
        int maxAttempts();

        /** Back-off before the second attempt; it doubles each time, with full jitter. */
        @WithDefault("2s")
        Duration initialBackoff();

        /** The longest back-off. */
        @WithDefault("1m")
        Duration maxBackoff();

        /** No retry starts later than this after the first attempt began. */
        @WithDefault("30m")
        Duration deadline();

        /** Agent error codes after which the migration certainly did not start, so it may be tried again. */
        Optional<List<Integer>> agentCodes();
    }

    /** The per-node circuit breaker. */
    interface Circuit {
        /** Consecutive attempts that could not reach a node's Agent before no call is sent to it for a while. */
        @WithDefault("5")
        int failureThreshold();

        /** How long no call is sent to such a node; then one probe ({@code envm/get_info}, never a migration) is. */
        @WithDefault("30s")
        Duration coolDown();

        /**
         * The longest a request waits for its source node's circuit to close, counted from its first attempt (or its
         * arrival when it has none); then it ends FAILED UNREACHABLE (retryable: nothing was sent). Its
         * {@code notAfter}, when earlier, ends it EXPIRED first.
         */
        @WithDefault("30m")
        Duration maxWait();
    }

    /** Reconciliation of attempts whose answer was lost (receive timeout, connection reset). */
    interface Reconcile {
        /** Time between two rounds of {@code envm/get_info} questions to the source and target Agents. */
        @WithDefault("10s")
        Duration interval();

        /**
         * After this, an attempt the Agents could not settle ends FAILED IN_DOUBT; the container stays locked until
         * then. Once the Agents have shown the container in transition (a migration running), reconciliation waits
         * instead until at least {@code relocator.agent.receive-timeout} (the source node's own, when it sets one)
         * after it began, so a long migration is never reported FAILED while it runs. The former
         * {@code relocator.reconcile.busy-states} is gone: state codes are not published, a transition is read instead.
         */
        @WithDefault("15m")
        Duration deadline();

        /**
         * How long the Agents must show the container idle on the source (no {@code status/transition}, whatever its
         * state) and absent from the target, unchanged, before the lost attempt counts as not run and may be sent
         * again. It must be longer than the Agents' window between accepting a migration and showing the container
         * in transition (the simulator's {@code accept-to-visible}), and shorter than {@code deadline}.
         */
        @WithDefault("30s")
        Duration grace();
    }

    /** Topic names and how the worker creates them at start-up. */
    interface Topics {
        /** Where MigrationRequests arrive. */
        @WithDefault("migration-requests")
        String requests();

        /** Where MigrationEvents go. */
        @WithDefault("migration-events")
        String events();

        /** Where records that are not a MigrationRequest at all go, unchanged. */
        @WithDefault("migration-requests-dlq")
        String deadLetter();

        /**
         * The scheduler's inbox: two partitions, not compacted, kept for {@code relocator.idempotency-window}. Partition 0
         * holds the requests handed to the scheduler (in the order they were handed off), partition 1 the releases of
         * slots; only the owner of a request's partition writes about it.
         */
        @WithDefault("relocator-sched-inbox")
        String schedulerInbox();

        /**
         * The scheduler's state: one partition, compacted, written only by the process holding the scheduling role:
         * each request waiting, granted (with its grant epoch) or ending, and the scheduler's inbox positions. Every
         * worker follows it to run the grants of its own partitions.
         */
        @WithDefault("relocator-sched-state")
        String schedulerState();

        /**
         * The worker's own outcome store: a compacted topic, partitioned like the requests, keyed by requestId, that
         * remembers which requests are in flight or ended (kept for {@code relocator.idempotency-window}).
         */
        @WithDefault("migration-outcomes")
        String outcomes();

        /** Create missing topics at start-up with the partitions and settings below (never by broker auto-creation). */
        @WithDefault("true")
        boolean create();

        /**
         * Partitions of each topic the worker creates. The outcome topic always gets as many as the requests topic has
         * (it is read partition by partition alongside it); the scheduler's inbox has two, its state one.
         */
        @WithDefault("6")
        int partitions();

        /** Replication factor of each topic the worker creates. */
        @WithDefault("1")
        short replicationFactor();

        /** Retention of the events and dead-letter topics the worker creates. */
        @WithDefault("P7D")
        Duration retention();
    }

    /** The SOAP client side. */
    interface Agent {
        /** Time allowed to open a connection to an Agent. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Time allowed for an Agent's answer once the request is sent; a migration can take hours. */
        @WithDefault("12h")
        Duration receiveTimeout();

        /** Namespace of the {@code packet_header} SOAP header (the protocol namespace is the other choice). */
        @WithDefault("http://www.swsoft.com/webservices/vzl/4.0.0/soap_protocol")
        String headerNamespace();

        /** {@code packet_header/target}: the Agent operator that serves migrations ({@code vzarelocator} on some Agents). */
        @WithDefault("relocator")
        String headerTarget();

        /** Agent error codes that mean "session not valid": the worker logs in again and resends once. */
        @WithDefault("112")
        List<Integer> sessionInvalidCodes();

        /** Trust store (PKCS12 or JKS file) for {@code https} agent URLs; the JVM's default trust when absent. */
        Optional<String> trustStore();

        /** Password of the trust store (redacted type). */
        Optional<Secret> trustStorePassword();

        /** Type of the trust store. */
        @WithDefault("PKCS12")
        String trustStoreType();

        /** Skip TLS certificate and host name checks. Insecure; logged loudly at start-up. */
        @WithDefault("false")
        boolean trustAll();

        /**
         * Accept {@code http://} agent URLs to hosts other than loopback (127.0.0.0/8, ::1, localhost). Every call
         * carries a node password, so this is off: such a URL stops start-up. When on, each such node is logged at WARN.
         */
        @WithDefault("false")
        boolean allowPlainHttp();

        /**
         * Silence on an Agent connection before TCP keep-alive probes start. A migration call is silent for as long as
         * it runs; keep this below the idle timeout of every NAT or firewall between the worker and the Agents.
         */
        @WithDefault("60s")
        Duration tcpKeepAliveIdle();

        /** Time between two TCP keep-alive probes; four unanswered probes end the connection. */
        @WithDefault("15s")
        Duration tcpKeepAliveInterval();

        /**
         * The largest Agent answer read (bytes, or with a K/M/G suffix). A larger one is dropped while it arrives: a
         * migration then ends IN_DOUBT and is reconciled (the Agent may have run it), a login or get_info fails.
         */
        @WithDefault("4M")
        MemorySize maxAnswerSize();

        /**
         * How long a {@code migrate_v2v} call may be out while the Agents show no transition of the Container (and it
         * is not on the target), before its answer counts as lost: the call is abandoned and the request reconciled
         * with the Agents, never resent blindly. A real Agent shows a running migration as a transition within
         * seconds of accepting it, so this only has to exceed that window and any delay of an answer after the
         * migration ended; it must also exceed the longest migration of an Agent that never shows a transition. A
         * Container in transition keeps the call alive however long it runs. Checked at each RUNNING heartbeat
         * ({@code relocator.events.running-interval}), or every {@code relocator.reconcile.interval} when they are
         * off; {@code 0} turns it off.
         */
        @WithDefault("30m")
        Duration stallTimeout();
    }

    /** MigrationEvent settings. */
    interface Events {
        /** The CloudEvents {@code ce_source} of every event. */
        @WithName("source")
        @WithDefault("relocator-worker")
        String source();

        /**
         * Between two RUNNING heartbeats of a call that is out (each asks both Agents where the Container is, with
         * {@code envm/get_info}); {@code 0} turns them off.
         */
        @WithDefault("60s")
        Duration runningInterval();
    }
}
