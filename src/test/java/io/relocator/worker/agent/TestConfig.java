package io.relocator.worker.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import io.quarkus.runtime.configuration.MemorySize;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.config.Secret;

/** Inventory entries and agent settings for tests; passwords are made up at run time. */
final class TestConfig {

    static final String SYSTEM_REALM = "00000000-0000-0000-0000-000000000000";
    static final String SOAP_PROTOCOL_NS = "http://www.swsoft.com/webservices/vzl/4.0.0/soap_protocol";
    static final String PROTOCOL_NS = "http://www.swsoft.com/webservices/vzl/4.0.0/protocol";

    private TestConfig() {
    }

    record Node(String agentUrl, String address, int port, String protocol, String realm, String username,
            Secret password, OptionalInt maxIncoming, OptionalInt maxOutgoing, Optional<Duration> connectTimeout,
            Optional<Duration> receiveTimeout) implements RelocatorConfig.Node {

        Node withMaxOutgoing(int max) {
            return new Node(agentUrl, address, port, protocol, realm, username, password, maxIncoming,
                    OptionalInt.of(max), connectTimeout, receiveTimeout);
        }

        /** The same node logging in (and, as a destination, accepting migrations) with these credentials. */
        Node withCredentials(String user, Secret secret) {
            return new Node(agentUrl, address, port, protocol, realm, user, secret, maxIncoming, maxOutgoing,
                    connectTimeout, receiveTimeout);
        }

        Node withReceiveTimeout(Duration timeout) {
            return new Node(agentUrl, address, port, protocol, realm, username, password, maxIncoming, maxOutgoing,
                    connectTimeout, Optional.of(timeout));
        }
    }

    record Agent(Duration connectTimeout, Duration receiveTimeout, String headerNamespace, String headerTarget,
            List<Integer> sessionInvalidCodes, Optional<String> trustStore, Optional<Secret> trustStorePassword,
            String trustStoreType, boolean trustAll, boolean allowPlainHttp, Duration tcpKeepAliveIdle,
            Duration tcpKeepAliveInterval, MemorySize maxAnswerSize) implements RelocatorConfig.Agent {

        /** The runner's setting, not the SOAP client's: off here. */
        @Override
        public Duration stallTimeout() {
            return Duration.ZERO;
        }

        Agent withTcpKeepAlive(Duration idle, Duration interval) {
            return new Agent(connectTimeout, receiveTimeout, headerNamespace, headerTarget, sessionInvalidCodes,
                    trustStore, trustStorePassword, trustStoreType, trustAll, allowPlainHttp, idle, interval, maxAnswerSize);
        }

        Agent withTrustStorePassword(Secret password) {
            return new Agent(connectTimeout, receiveTimeout, headerNamespace, headerTarget, sessionInvalidCodes,
                    trustStore, Optional.of(password), trustStoreType, trustAll, allowPlainHttp, tcpKeepAliveIdle, tcpKeepAliveInterval, maxAnswerSize);
        }

        Agent withTrustStore(String path, Secret password) {
            return new Agent(connectTimeout, receiveTimeout, headerNamespace, headerTarget, sessionInvalidCodes,
                    Optional.of(path), Optional.of(password), trustStoreType, trustAll, allowPlainHttp,
                    tcpKeepAliveIdle, tcpKeepAliveInterval, maxAnswerSize);
        }

        Agent withTimeouts(Duration connect, Duration receive) {
            return new Agent(connect, receive, headerNamespace, headerTarget, sessionInvalidCodes, trustStore,
                    trustStorePassword, trustStoreType, trustAll, allowPlainHttp, tcpKeepAliveIdle, tcpKeepAliveInterval, maxAnswerSize);
        }

        Agent withMaxAnswerSize(long bytes) {
            return new Agent(connectTimeout, receiveTimeout, headerNamespace, headerTarget, sessionInvalidCodes,
                    trustStore, trustStorePassword, trustStoreType, trustAll, allowPlainHttp, tcpKeepAliveIdle,
                    tcpKeepAliveInterval, new MemorySize(java.math.BigInteger.valueOf(bytes)));
        }

        Agent withTrustAll() {
            return new Agent(connectTimeout, receiveTimeout, headerNamespace, headerTarget, sessionInvalidCodes,
                    trustStore, trustStorePassword, trustStoreType, true, allowPlainHttp, tcpKeepAliveIdle,
                    tcpKeepAliveInterval, maxAnswerSize);
        }

        Agent withHeaderNamespace(String namespace) {
            return new Agent(connectTimeout, receiveTimeout, namespace, headerTarget, sessionInvalidCodes, trustStore,
                    trustStorePassword, trustStoreType, trustAll, allowPlainHttp, tcpKeepAliveIdle, tcpKeepAliveInterval, maxAnswerSize);
        }
    }

    static Node node(String agentUrl, String address) {
        return new Node(agentUrl, address, 4434, "SSL", SYSTEM_REALM, "vzagent-" + address.substring(0, 5),
                Secret.of("pw-" + UUID.randomUUID()), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(),
                Optional.empty());
    }

    static Agent agent() {
        return new Agent(Duration.ofSeconds(2), Duration.ofSeconds(20), SOAP_PROTOCOL_NS, "relocator", List.of(112),
                Optional.empty(), Optional.empty(), "PKCS12", false, false, Duration.ofSeconds(60),
                Duration.ofSeconds(15), new MemorySize(java.math.BigInteger.valueOf(4L * 1024 * 1024)));
    }
}
