package io.relocator.worker.simulator;

/**
 * The XML namespaces of the Agent's SOAP interface, as listed in {@code shared/reference/agent-soap-api.md}. The
 * simulator parses by qualified name, so a client that puts an element in the wrong namespace is refused here just as
 * a real Agent would refuse it.
 */
final class AgentNamespaces {

    static final String SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String BASE = "http://www.swsoft.com/webservices/vzl/4.0.0/";
    static final String RELOCATOR = BASE + "relocator";
    static final String TYPES = BASE + "types";
    static final String PROTOCOL = BASE + "protocol";
    static final String SESSIONM = BASE + "sessionm";
    static final String ENVM = BASE + "envm";
    static final String SYSTEM = BASE + "system";
    /** Where the WSDL-generated client library puts {@code packet_header}; the XML API puts it in {@link #PROTOCOL}. */
    static final String SOAP_PROTOCOL = BASE + "soap_protocol";

    private AgentNamespaces() {
    }
}
