package io.relocator.worker.simulator;

import java.util.List;

/**
 * The simulator's answers, as string templates: they are few and fixed, and a template shows exactly what goes on
 * the wire, namespaces included. Every value inserted is escaped; none of them is ever a password.
 */
final class SoapReplies {

    /** {@code parent_eid} of a container: the Hardware Node itself, which the Agent names with the null GUID. */
    static final String NODE_EID = "00000000-0000-0000-0000-000000000000";

    private static final String ENVELOPE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<soap:Envelope xmlns:soap=\"" + AgentNamespaces.SOAP_ENVELOPE + "\"><soap:Body>%s</soap:Body></soap:Envelope>";

    private SoapReplies() {
    }

    /** {@code token} is a {@code types:tokenType}: only its required {@code user} SID (base64) is sent. */
    static String loginResponse(String sessionId, String userSidBase64) {
        return envelope("<s:loginResponse xmlns:s=\"" + AgentNamespaces.SESSIONM + "\" xmlns:t=\"" + AgentNamespaces.TYPES
                + "\"><s:session_id>" + escape(sessionId) + "</s:session_id><s:token><t:user>" + escape(userSidBase64)
                + "</t:user></s:token></s:loginResponse>");
    }

    static String logoutResponse() {
        return envelope("<s:logoutResponse xmlns:s=\"" + AgentNamespaces.SESSIONM + "\"/>");
    }

    /** {@code system/cancel}'s OK. */
    static String cancelResponse() {
        return envelope("<y:cancelResponse xmlns:y=\"" + AgentNamespaces.SYSTEM + "\"/>");
    }

    static String migrateV2vResponse() {
        return envelope("<r:migrate_v2vResponse xmlns:r=\"" + AgentNamespaces.RELOCATOR + "\"/>");
    }

    /**
     * One {@code env} per container, or an empty response (the schema wants one; the Agent sends none). A container a
     * visible migration holds has a {@code status/transition} after its {@code state}, as {@code env_statusType}
     * orders them.
     */
    static String getInfoResponse(List<SimulatedAgents.EnvView> envs) {
        StringBuilder out = new StringBuilder();
        for (SimulatedAgents.EnvView env : envs) {
            out.append("<e:env><t:parent_eid>").append(NODE_EID).append("</t:parent_eid><t:eid>")
                    .append(escape(env.eid())).append("</t:eid><t:status><t:state>").append(env.state())
                    .append("</t:state>");
            if (env.transition() != null) {
                out.append("<t:transition>").append(env.transition()).append("</t:transition>");
            }
            out.append("</t:status></e:env>");
        }
        return envelope("<e:get_infoResponse xmlns:e=\"" + AgentNamespaces.ENVM + "\" xmlns:t=\"" + AgentNamespaces.TYPES
                + "\">" + out + "</e:get_infoResponse>");
    }

    /** A SOAP 1.1 Fault carrying the Agent's {@code error} in its detail, as a real Agent reports failures. */
    static String fault(boolean clientFault, int code, String message) {
        return envelope("<soap:Fault><faultcode>soap:" + (clientFault ? "Client" : "Server") + "</faultcode>"
                + "<faultstring>" + escape(message) + "</faultstring><detail><error xmlns=\""
                + AgentNamespaces.PROTOCOL + "\"><code>" + code + "</code><message>" + escape(message)
                + "</message></error></detail></soap:Fault>");
    }

    private static String envelope(String body) {
        return String.format(ENVELOPE, body);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
