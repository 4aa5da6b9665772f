package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.Marshaller;

import org.apache.cxf.staxutils.transform.OutTransformWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.relocator.worker.agent.soap.header.PacketHeader;
import io.relocator.worker.agent.soap.relocator.MigrateV2V;
import io.relocator.worker.agent.soap.sessionm.Login;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationOptions;

/** The bodies the worker sends validate against its own schemas and, when present, the Agent's real ones. */
class AgentBodiesTest {

    private static final String CONTAINER = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";
    private static final String PACKET = "3f0c8a52-6d1e-4b8e-9a57-0c2f4d6e8b19";
    private static final Path AGENT_XSD = Path.of("../shared/reference/agent-xsd");

    private final TestConfig.Node source = TestConfig.node("https://127.0.0.1:4646", "hn-01.sim.invalid");
    private final TestConfig.Node target = TestConfig.node("https://127.0.0.1:4647", "hn-02.sim.invalid");
    private final AgentRequests requests = new AgentRequests("relocator");

    @TempDir
    Path dir;

    @Test
    void migrateWithAllOptionsValidates() throws Exception {
        String xml = marshal(migrate(new MigrationOptions(true, true, true), 3));
        assertTrue(xml.contains("<force/>") || xml.matches("(?s).*<\\w*:?force/>.*"), xml);
        assertTrue(xml.matches("(?s).*remove>true</.*"), xml);
        assertTrue(xml.matches("(?s).*type>3</.*"), xml);
        validateOwn("agent-relocator.xsd", xml);
        validateWithAgentSchema("VZLRelocator.xsd", xml);
    }

    @Test
    void migrateWithoutOptionsStillSendsTheType() throws Exception {
        String xml = marshal(migrate(MigrationOptions.NONE, 0));
        assertFalse(xml.contains("force"), xml);
        assertFalse(xml.contains("nostart"), xml);
        assertFalse(xml.contains("remove"), xml);
        assertTrue(xml.matches("(?s).*type>0</.*"), xml);
        validateOwn("agent-relocator.xsd", xml);
        validateWithAgentSchema("VZLRelocator.xsd", xml);
    }

    @Test
    void destinationCarriesTheTargetsCredentialsInBase64() throws Exception {
        String xml = marshal(migrate(MigrationOptions.NONE, 0));
        assertTrue(xml.contains(base64(target.password().reveal())), "dst/password is the target's, base64");
        assertTrue(xml.contains(base64(target.username())), "dst/login/name is the target's, base64");
        assertFalse(xml.contains(target.password().reveal()), "never the clear password");
        assertFalse(xml.contains(source.password().reveal()) || xml.contains(base64(source.password().reveal())));
        assertTrue(xml.contains("hn-02.sim.invalid"));
    }

    @Test
    void loginValidates() throws Exception {
        Login login = requests.login(source);
        String xml = marshal(login);
        assertTrue(xml.contains(base64(source.username())));
        assertTrue(xml.contains(base64(source.password().reveal())));
        validateOwn("agent-sessionm.xsd", xml);
        validateWithAgentSchema("VZLSessionm.xsd", xml);
    }

    @Test
    void packetHeaderHasTargetThenSessionInTheSoapProtocolNamespace() throws Exception {
        String xml = marshal(requests.migrationHeader("session-1", PACKET));
        validateOwn("agent-soap-protocol.xsd", xml);
        assertTrue(xml.indexOf("target>relocator<") < xml.indexOf("session>session-1<"), xml);
        assertTrue(xml.contains("version=\"4.0.0\""), xml);
        assertTrue(xml.contains(TestConfig.SOAP_PROTOCOL_NS), xml);
    }

    /** The migration's packet id is the one the domain chose (and keeps in the in-flight mark), as {@code @id}. */
    @Test
    void packetHeaderRewrittenToTheProtocolNamespaceValidatesAgainstVzlProtocolWithItsPacketId() throws Exception {
        String xml = marshalWithHeaderNamespace(requests.migrationHeader("session-1", PACKET), TestConfig.PROTOCOL_NS);
        assertFalse(xml.contains(TestConfig.SOAP_PROTOCOL_NS), xml);
        assertTrue(xml.contains(" id=\"" + PACKET + "\""), xml);
        validateWithAgentSchema("VZLProtocol.xsd", xml);
    }

    @Test
    void packetIdsOfOtherCallsDiffer() {
        PacketHeader first = requests.getInfoHeader("s");
        PacketHeader second = requests.cancelHeader("s");
        assertFalse(first.getId().equals(second.getId()));
        assertFalse(first.getId().equals(PACKET));
    }

    /** {@code system/cancel} names the lost call's packet id, its target, and {@code global}, in VZLSystem's order. */
    @Test
    void cancelValidatesAgainstVzlSystem() throws Exception {
        String xml = marshal(requests.cancel(PACKET));
        assertTrue(xml.matches("(?s).*message_id>" + PACKET + "</.*target>relocator</.*global/>.*"), xml);
        assertTrue(xml.contains("http://www.swsoft.com/webservices/vzl/4.0.0/system"), xml);
        validateOwn("agent-system.xsd", xml);
        validateWithAgentSchema("VZLSystem.xsd", xml);
    }

    /** A system request's header has a version, an id of its own and the session, and no target. */
    @Test
    void cancelHeaderHasNoTargetAndValidatesAgainstVzlProtocol() throws Exception {
        PacketHeader header = requests.cancelHeader("session-1");
        String xml = marshalWithHeaderNamespace(header, TestConfig.PROTOCOL_NS);
        assertFalse(xml.contains("target"), xml);
        assertTrue(xml.contains(" id=\"" + header.getId() + "\""), xml);
        validateOwn("agent-soap-protocol.xsd", marshal(header));
        validateWithAgentSchema("VZLProtocol.xsd", xml);
    }

    @Test
    void getInfoValidates() throws Exception {
        String xml = marshal(requests.getInfo(CONTAINER));
        validateOwn("agent-envm.xsd", xml);
    }

    private MigrateV2V migrate(MigrationOptions options, int type) {
        return requests.migrateV2V(new MigrationCall(CONTAINER, "hn-01", "hn-02", type, options, PACKET), target);
    }

    static String marshal(Object body) throws Exception {
        StringWriter out = new StringWriter();
        marshaller(body).marshal(body, out);
        return out.toString();
    }

    /** The same rewrite the clients apply when relocator.agent.header-namespace is not the default. */
    private static String marshalWithHeaderNamespace(Object header, String namespace) throws Exception {
        StringWriter out = new StringWriter();
        XMLStreamWriter writer = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
        XMLStreamWriter rewriting = new OutTransformWriter(writer,
                AgentClientBuilder.headerNamespaceMapping(namespace), Map.of(),
                java.util.List.of(), false, null);
        marshaller(header).marshal(header, rewriting);
        rewriting.flush();
        return out.toString();
    }

    private static Marshaller marshaller(Object body) throws Exception {
        Marshaller marshaller = JAXBContext.newInstance(body.getClass()).createMarshaller();
        marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
        return marshaller;
    }

    private static void validateOwn(String xsd, String xml) throws Exception {
        URL schema = AgentBodiesTest.class.getClassLoader().getResource("wsdl/" + xsd);
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(schema).newValidator()
                .validate(new StreamSource(new StringReader(xml)));
    }

    private void validateWithAgentSchema(String xsd, String xml) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AGENT_XSD), "the Agent's schemas are not beside the project");
        Assumptions.assumeTrue(onPath("xmllint"), "xmllint is not installed");
        Path body = Files.writeString(dir.resolve("body.xml"), xml);
        Process process = new ProcessBuilder("xmllint", "--noout", "--schema",
                AGENT_XSD.resolve(xsd).toAbsolutePath().toString(), body.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output + "\n" + xml);
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
