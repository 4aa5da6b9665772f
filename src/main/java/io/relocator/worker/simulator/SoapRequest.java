package io.relocator.worker.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.xml.namespace.QName;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * One parsed SOAP 1.1 request: the operation's body element and the {@code packet_header} block if any, with the
 * small DOM helpers the operations need to read them by qualified name.
 *
 * @param body the single element inside {@code soap:Body}
 * @param packetHeader {@code packet_header} from {@code soap:Header}, in either accepted namespace
 */
record SoapRequest(Element body, Optional<Element> packetHeader) {

    /** {@code packet_header/@id}, if the header is there and has one. */
    Optional<String> packetId() {
        return packetHeader.map(header -> header.getAttribute("id").strip()).filter(id -> !id.isEmpty());
    }

    boolean is(String namespace, String localName) {
        return namespace.equals(body.getNamespaceURI()) && localName.equals(body.getLocalName());
    }

    /** The element children of {@code parent}, in document order. */
    static List<Element> children(Element parent) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                result.add(e);
            }
        }
        return result;
    }

    /** The children of {@code parent} with this qualified name. */
    static List<Element> children(Element parent, String namespace, String localName) {
        return children(parent).stream()
                .filter(e -> namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName()))
                .toList();
    }

    static Optional<Element> child(Element parent, String namespace, String localName) {
        return children(parent, namespace, localName).stream().findFirst();
    }

    /** The trimmed text of the named child, if the child is there. */
    static Optional<String> text(Element parent, String namespace, String localName) {
        return child(parent, namespace, localName).map(e -> e.getTextContent().strip());
    }

    /** The text of a required child, or a {@link AgentFault#BAD_REQUEST} naming what is missing. */
    static String requiredText(Element parent, String namespace, String localName) {
        return text(parent, namespace, localName).orElseThrow(() -> new AgentFault(AgentFault.BAD_REQUEST,
                "Missing element {" + namespace + "}" + localName + " in " + parent.getLocalName()));
    }

    /**
     * Checks that every child of {@code parent} is one of {@code names}, in {@code namespace}, each at most once and in
     * this order: the schemas' sequences are ordered, and a real Agent rejects what does not validate.
     */
    static void requireSequence(Element parent, String namespace, String... names) {
        requireSequence(parent, Stream.of(names).map(name -> new QName(namespace, name)).toList());
    }

    /** As above, for a sequence that spans namespaces (an extension of a type from another schema). */
    static void requireSequence(Element parent, List<QName> names) {
        int next = 0;
        for (Element e : children(parent)) {
            int at = names.indexOf(new QName(e.getNamespaceURI(), e.getLocalName()));
            if (at < next) {
                throw new AgentFault(AgentFault.BAD_REQUEST, "Unexpected element {" + e.getNamespaceURI() + "}"
                        + e.getLocalName() + " in " + parent.getLocalName());
            }
            next = at + 1;
        }
    }

    /** Checks that every child of {@code parent} is {@code {namespace}name} (a repeated element such as {@code eid}). */
    static void requireSequenceOf(Element parent, String namespace, String name) {
        for (Element e : children(parent)) {
            if (!namespace.equals(e.getNamespaceURI()) || !name.equals(e.getLocalName())) {
                throw new AgentFault(AgentFault.BAD_REQUEST, "Unexpected element {" + e.getNamespaceURI() + "}"
                        + e.getLocalName() + " in " + parent.getLocalName());
            }
        }
    }
}
