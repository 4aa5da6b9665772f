package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envelope parser: namespaces, the packet header in both namespaces, and no DOCTYPE (so no XXE). */
class SoapEnvelopeReaderTest {

    private final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    @Test
    void readsTheOperationAndTheHeaderByQualifiedName() {
        String xml = AgentEnvelopes.migrate("s-1", List.of("ct"), "hn-02.sim.invalid", "root", "pw");

        SoapRequest request = reader.read(xml.getBytes(StandardCharsets.UTF_8));

        assertTrue(request.is(AgentNamespaces.RELOCATOR, "migrate_v2v"));
        assertEquals(AgentNamespaces.SOAP_PROTOCOL, request.packetHeader().orElseThrow().getNamespaceURI());
        assertEquals("hn-02", MigrateV2vCall.parse(request.body()).destinationNodeId());
    }

    @Test
    void aDoctypeIsRefusedSoNoExternalEntityIsRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "top-secret");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + AgentEnvelopes.envelope("", "<e:get_info xmlns:e=\"" + AgentEnvelopes.BASE + "envm\">"
                        + "<e:eid>&x;</e:eid></e:get_info>").replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");

        AgentFault fault = assertThrows(AgentFault.class, () -> reader.read(xml.getBytes(StandardCharsets.UTF_8)));

        assertEquals(AgentFault.BAD_REQUEST, fault.code());
        assertFalse(fault.getMessage().contains("top-secret"));
    }

    @Test
    void notXmlIsABadRequest() {
        AgentFault fault = assertThrows(AgentFault.class, () -> reader.read("cm9vdA== plain".getBytes()));

        assertEquals(AgentFault.BAD_REQUEST, fault.code());
    }

    @Test
    void theMigrateCallNeverShowsThePassword() {
        String xml = AgentEnvelopes.migrate("s-1", List.of("ct"), "hn-02.sim.invalid", "root", "pw-123");

        MigrateV2vCall call = MigrateV2vCall.parse(reader.read(xml.getBytes(StandardCharsets.UTF_8)).body());

        assertEquals(AgentEnvelopes.b64("pw-123"), call.dstPassword());
        assertFalse(call.toString().contains(call.dstPassword()));
        assertTrue(call.force());
        assertEquals(0, call.type().orElseThrow());
    }
}
