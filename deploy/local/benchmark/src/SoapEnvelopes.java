import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Agent SOAP calls of the direct run, built as the worker builds them, so the direct rate is the simulator's limit
 * for the worker's own call. The tests' AgentEnvelopes is the model, but it is test code the benchmark's classpath does
 * not have, and its migrate_v2v carries force/remove options the worker does not send.
 */
final class SoapEnvelopes {

    private static final String BASE = "http://www.swsoft.com/webservices/vzl/4.0.0/";
    private static final String REALM = "00000000-0000-0000-0000-000000000000";
    private static final Pattern SESSION = Pattern.compile("session_id>([^<]+)<");

    private SoapEnvelopes() {
    }

    /** A SOAP 1.1 POST of the envelope to an Agent's URL. */
    static HttpRequest post(String url, String envelope) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
    }

    static String login(String user, String password) {
        return envelope("", "<s:login xmlns:s=\"" + BASE + "sessionm\" xmlns:t=\"" + BASE + "types\">"
                + "<t:name>" + b64(user) + "</t:name><t:realm>" + REALM + "</t:realm>"
                + "<s:password>" + b64(password) + "</s:password></s:login>");
    }

    /** The session id of a login reply. */
    static String sessionOf(String loginReply) {
        Matcher m = SESSION.matcher(loginReply);
        if (!m.find()) {
            throw new IllegalStateException("login refused by the simulator: " + loginReply);
        }
        return m.group(1);
    }

    /** The same migrate_v2v the worker sends (options/type 0, one eid, dst with login and password). */
    static String migrate(String session, String eid, String dstAddress, String user, String password) {
        String header = "<h:packet_header xmlns:h=\"" + BASE + "soap_protocol\" version=\"4.0.0\"><h:target>relocator"
                + "</h:target><h:session>" + session + "</h:session></h:packet_header>";
        return envelope(header, "<migrate_v2v xmlns=\"" + BASE + "relocator\" xmlns:t=\"" + BASE + "types\">"
                + "<options><type>0</type></options>"
                + "<eid_list><t:eid>" + eid + "</t:eid></eid_list>"
                + "<dst><t:protocol>SSL</t:protocol><t:address>" + dstAddress + "</t:address><t:port>4434</t:port>"
                + "<t:login><t:name>" + b64(user) + "</t:name><t:realm>" + REALM + "</t:realm></t:login>"
                + "<t:password>" + b64(password) + "</t:password></dst></migrate_v2v>");
    }

    static boolean isMigrateAnswer(String reply) {
        return reply.contains("migrate_v2vResponse");
    }

    private static String envelope(String header, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + (header.isEmpty() ? "" : "<soap:Header>" + header + "</soap:Header>")
                + "<soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
