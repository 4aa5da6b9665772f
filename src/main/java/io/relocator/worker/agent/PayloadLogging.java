package io.relocator.worker.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.cxf.ext.logging.LoggingFeature;
import org.apache.cxf.ext.logging.MaskSensitiveHelper;
import org.apache.cxf.ext.logging.event.LogEvent;
import org.apache.cxf.ext.logging.event.LogEventSender;
import org.apache.cxf.ext.logging.slf4j.Slf4jEventSender;
import org.apache.cxf.ext.logging.slf4j.Slf4jVerboseEventSender;

import io.quarkiverse.cxf.EnabledFor;
import io.quarkiverse.cxf.LoggingConfig;

/**
 * CXF payload logging of the Agent clients. Quarkus CXF adds its logging feature only to the clients it builds itself;
 * these are built per node by {@link AgentClientBuilder}, so the global keys are read here instead:
 * {@code quarkus.cxf.logging.enabled-for} ({@code clients} or {@code both} turns it on), {@code .pretty},
 * {@code .limit}, {@code .verbose}, {@code .sensitive-element-names} and {@code .sensitive-protocol-header-names}.
 * Whatever those say, {@code password} elements (the login's and {@code dst/password}) are always masked, and every
 * logged payload and header goes through the {@link SecretScrubber} too (an Agent may repeat a password in its fault
 * text), so turning payload logging on to debug an Agent does not put passwords in the log. Immutable; the features
 * it makes log on whichever thread CXF sends or receives on.
 */
final class PayloadLogging {

    /** Elements masked in every logged payload, whatever the configuration adds. */
    static final Set<String> ALWAYS_MASKED = Set.of("password");

    private final boolean enabled;
    private final boolean pretty;
    private final boolean verbose;
    private final int limit;
    private final Set<String> sensitiveElements;
    private final Set<String> sensitiveHeaders;

    PayloadLogging(boolean enabled, boolean pretty, boolean verbose, int limit, Set<String> sensitiveElements,
            Set<String> sensitiveHeaders) {
        this.enabled = enabled;
        this.pretty = pretty;
        this.verbose = verbose;
        this.limit = limit;
        Set<String> masked = new TreeSet<>(sensitiveElements);
        masked.addAll(ALWAYS_MASKED);
        this.sensitiveElements = Set.copyOf(masked);
        this.sensitiveHeaders = Set.copyOf(sensitiveHeaders);
    }

    /** The Quarkus CXF global logging settings, as they apply to clients. */
    static PayloadLogging from(LoggingConfig.GlobalLoggingConfig global) {
        EnabledFor enabledFor = global.enabledFor();
        return new PayloadLogging(enabledFor == EnabledFor.clients || enabledFor == EnabledFor.both, global.pretty(),
                global.verbose(), global.limit(), global.sensitiveElementNames().orElse(Set.of()),
                global.sensitiveProtocolHeaderNames().orElse(Set.of()));
    }

    static PayloadLogging off() {
        return new PayloadLogging(false, false, false, 0, Set.of(), Set.of());
    }

    /** The feature to add to each Agent client, logging through SLF4J, or none when payload logging is off. */
    Optional<LoggingFeature> feature(SecretScrubber scrubber) {
        if (!enabled) {
            return Optional.empty();
        }
        return Optional.of(feature(scrubber, verbose ? new Slf4jVerboseEventSender() : new Slf4jEventSender()));
    }

    /** A feature set up from these settings whose events reach {@code sink} masked and scrubbed. */
    LoggingFeature feature(SecretScrubber scrubber, LogEventSender sink) {
        LoggingFeature feature = new LoggingFeature();
        feature.setSender(event -> sink.send(scrubbed(event, scrubber)));
        feature.setPrettyLogging(pretty);
        if (limit > 0) {
            feature.setLimit(limit);
        }
        MaskSensitiveHelper masking = new MaskSensitiveHelper();
        masking.setSensitiveElementNames(sensitiveElements);
        feature.setSensitiveDataHelper(masking);
        feature.addSensitiveProtocolHeaderNames(sensitiveHeaders);
        return feature;
    }

    /** The element names masked in logged payloads; {@link #ALWAYS_MASKED} among them. */
    Set<String> sensitiveElements() {
        return sensitiveElements;
    }

    private static LogEvent scrubbed(LogEvent event, SecretScrubber scrubber) {
        event.setPayload(scrubber.scrub(event.getPayload()));
        if (event.getHeaders() != null) {
            Map<String, String> headers = new LinkedHashMap<>();
            event.getHeaders().forEach((name, value) -> headers.put(name, scrubber.scrub(value)));
            event.setHeaders(headers);
        }
        return event;
    }
}
