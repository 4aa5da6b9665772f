package io.relocator.worker.simulator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reads the simulator's answers by qualified name, the way a strict client would. */
final class SoapAnswers {

    private static final String BASE = AgentEnvelopes.BASE;

    private SoapAnswers() {
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("answer is not XML: " + xml, e);
        }
    }

    /** {@code Fault/detail/{protocol}error/{protocol}code}. */
    static int faultCode(String xml) {
        Document doc = parse(xml);
        Element fault = only(doc.getElementsByTagNameNS(AgentEnvelopes.SOAP, "Fault"));
        Element error = only(fault.getElementsByTagNameNS(AgentEnvelopes.PROTOCOL, "error"));
        return Integer.parseInt(only(error.getElementsByTagNameNS(AgentEnvelopes.PROTOCOL, "code")).getTextContent());
    }

    /** {@code {sessionm}loginResponse/{sessionm}session_id}. */
    static String sessionId(String xml) {
        Element response = only(parse(xml).getElementsByTagNameNS(BASE + "sessionm", "loginResponse"));
        return only(response.getElementsByTagNameNS(BASE + "sessionm", "session_id")).getTextContent();
    }

    /** The {@code types:eid} of every {@code {envm}env} of a {@code get_infoResponse}. */
    static List<String> envEids(String xml) {
        Element response = only(parse(xml).getElementsByTagNameNS(BASE + "envm", "get_infoResponse"));
        NodeList envs = response.getElementsByTagNameNS(BASE + "envm", "env");
        List<String> eids = new ArrayList<>();
        for (int i = 0; i < envs.getLength(); i++) {
            Element env = (Element) envs.item(i);
            eids.add(only(env.getElementsByTagNameNS(BASE + "types", "eid")).getTextContent());
        }
        return eids;
    }

    /**
     * Each {@code {envm}env} of a {@code get_infoResponse}: its eid, {@code status/state} and {@code status/transition}
     * (null when absent).
     */
    static List<Env> envs(String xml) {
        Element response = only(parse(xml).getElementsByTagNameNS(BASE + "envm", "get_infoResponse"));
        NodeList envs = response.getElementsByTagNameNS(BASE + "envm", "env");
        List<Env> out = new ArrayList<>();
        for (int i = 0; i < envs.getLength(); i++) {
            Element env = (Element) envs.item(i);
            out.add(new Env(only(env.getElementsByTagNameNS(BASE + "types", "eid")).getTextContent(),
                    intOrNull(env, "state"), intOrNull(env, "transition")));
        }
        return out;
    }

    /** One {@code env} as {@code get_info} shows it. */
    record Env(String eid, Integer state, Integer transition) {
    }

    private static Integer intOrNull(Element env, String name) {
        NodeList found = env.getElementsByTagNameNS(BASE + "types", name);
        return found.getLength() == 0 ? null : Integer.valueOf(found.item(0).getTextContent().strip());
    }

    static boolean isMigrateResponse(String xml) {
        return parse(xml).getElementsByTagNameNS(BASE + "relocator", "migrate_v2vResponse").getLength() == 1;
    }

    private static Element only(NodeList list) {
        if (list.getLength() != 1) {
            throw new AssertionError("expected exactly one element, got " + list.getLength());
        }
        return (Element) list.item(0);
    }
}
