package io.relocator.worker.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * SOAP 1.1 requests built exactly as {@code shared/reference/agent-soap-api.md} describes them: the operation in its
 * operator's namespace, {@code name}/{@code realm}/{@code eid}/{@code dst} children in types, {@code packet_header}
 * with {@code version}, then {@code target} before {@code session}.
 */
final class AgentEnvelopes {

    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String BASE = "http://www.swsoft.com/webservices/vzl/4.0.0/";
    static final String SOAP_PROTOCOL = BASE + "soap_protocol";
    static final String PROTOCOL = BASE + "protocol";
    static final String SYSTEM_REALM = "00000000-0000-0000-0000-000000000000";

    private AgentEnvelopes() {
    }

    static String login(String user, String password) {
        return envelope("", "<s:login xmlns:s=\"" + BASE + "sessionm\" xmlns:t=\"" + BASE + "types\">"
                + "<t:name>" + b64(user) + "</t:name><t:realm>" + SYSTEM_REALM + "</t:realm>"
                + "<s:password>" + b64(password) + "</s:password></s:login>");
    }

    static String logout(String session) {
        return envelope(header(SOAP_PROTOCOL, "sessionm", session), "<s:logout xmlns:s=\"" + BASE + "sessionm\">"
                + "<s:session_id>" + session + "</s:session_id></s:logout>");
    }

    static String getInfo(String session, String... eids) {
        StringBuilder body = new StringBuilder("<e:get_info xmlns:e=\"" + BASE + "envm\">");
        for (String eid : eids) {
            body.append("<e:eid>").append(eid).append("</e:eid>");
        }
        return envelope(header(SOAP_PROTOCOL, "envm", session), body.append("</e:get_info>").toString());
    }

    static String migrate(String session, List<String> eids, String dstAddress, String user, String password) {
        return migrateWithHeader(header(SOAP_PROTOCOL, "relocator", session), eids, dstAddress, user, password);
    }

    /** migrate_v2v sent with packet id {@code packetId}. */
    static String migrate(String session, String packetId, List<String> eids, String dstAddress, String user,
            String password) {
        String header = "<h:packet_header xmlns:h=\"" + SOAP_PROTOCOL + "\" version=\"4.0.0\" id=\"" + packetId
                + "\"><h:target>relocator</h:target><h:session>" + session + "</h:session></h:packet_header>";
        return migrateWithHeader(header, eids, dstAddress, user, password);
    }

    /** system/cancel of packet {@code messageId}: a system request, so its header has no target. */
    static String cancel(String session, String messageId) {
        String header = "<h:packet_header xmlns:h=\"" + SOAP_PROTOCOL + "\" version=\"4.0.0\"><h:session>" + session
                + "</h:session></h:packet_header>";
        return envelope(header, "<y:cancel xmlns:y=\"" + BASE + "system\"><y:message_id>" + messageId
                + "</y:message_id><y:target>relocator</y:target><y:global/></y:cancel>");
    }

    /** migrate_v2v with the given SOAP header block (or none when empty), the body as in the reference's example. */
    static String migrateWithHeader(String header, List<String> eids, String dstAddress, String user, String password) {
        StringBuilder eidList = new StringBuilder();
        eids.forEach(eid -> eidList.append("<t:eid>").append(eid).append("</t:eid>"));
        return envelope(header, "<migrate_v2v xmlns=\"" + BASE + "relocator\" xmlns:t=\"" + BASE + "types\">"
                + "<options><force/><remove>true</remove><type>0</type></options>"
                + "<eid_list>" + eidList + "</eid_list>"
                + "<dst><t:protocol>SSL</t:protocol><t:address>" + dstAddress + "</t:address><t:port>4434</t:port>"
                + "<t:login><t:name>" + b64(user) + "</t:name><t:realm>" + SYSTEM_REALM + "</t:realm></t:login>"
                + "<t:password>" + b64(password) + "</t:password></dst></migrate_v2v>");
    }

    /** {@code packet_header} in the given namespace, its children in the same one. */
    static String header(String namespace, String target, String session) {
        return "<h:packet_header xmlns:h=\"" + namespace + "\" version=\"4.0.0\"><h:target>" + target
                + "</h:target><h:session>" + session + "</h:session></h:packet_header>";
    }

    static String envelope(String header, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"" + SOAP + "\">"
                + (header.isEmpty() ? "" : "<soap:Header>" + header + "</soap:Header>")
                + "<soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
