package io.relocator.worker.simulator;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads a SOAP 1.1 envelope into a {@link SoapRequest}. The parser is namespace-aware (operations are told apart by
 * qualified name) and refuses any DOCTYPE, so no external entity or entity expansion can be smuggled in (XXE,
 * "billion laughs"). One {@link DocumentBuilder} per thread: builders are not thread-safe, and event-loop threads are
 * few and long-lived.
 */
final class SoapEnvelopeReader {

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(SoapEnvelopeReader::newBuilder);

    /** Parses the envelope, or throws {@link AgentFault#BAD_REQUEST} when it is not a readable SOAP 1.1 request. */
    SoapRequest read(byte[] xml) {
        Element envelope = parse(xml).getDocumentElement();
        requireName(envelope, AgentNamespaces.SOAP_ENVELOPE, "Envelope");
        Element body = SoapRequest.child(envelope, AgentNamespaces.SOAP_ENVELOPE, "Body")
                .orElseThrow(() -> new AgentFault(AgentFault.BAD_REQUEST, "SOAP envelope without Body"));
        List<Element> operations = SoapRequest.children(body);
        if (operations.size() != 1) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "SOAP Body must hold exactly one element");
        }
        Optional<Element> header = SoapRequest.child(envelope, AgentNamespaces.SOAP_ENVELOPE, "Header")
                .flatMap(SoapEnvelopeReader::packetHeader);
        return new SoapRequest(operations.get(0), header);
    }

    private static Optional<Element> packetHeader(Element soapHeader) {
        return SoapRequest.child(soapHeader, AgentNamespaces.SOAP_PROTOCOL, "packet_header")
                .or(() -> SoapRequest.child(soapHeader, AgentNamespaces.PROTOCOL, "packet_header"));
    }

    private static Document parse(byte[] xml) {
        DocumentBuilder builder = BUILDER.get();
        // The default handler prints parse errors, with an excerpt of the body, to stderr; this one only throws.
        builder.setErrorHandler(SILENT);
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            // The parser's message may quote the body (and so a base64 password): keep it out of the answer and logs.
            throw new AgentFault(AgentFault.BAD_REQUEST, "Request is not well-formed XML");
        } finally {
            builder.reset();
        }
    }

    private static void requireName(Element e, String namespace, String localName) {
        if (!namespace.equals(e.getNamespaceURI()) || !localName.equals(e.getLocalName())) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "Not a SOAP 1.1 envelope");
        }
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser cannot be made XXE-safe", e);
        }
    }
}
