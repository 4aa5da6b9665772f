package io.relocator.worker.simulator;

import static io.relocator.worker.simulator.AgentNamespaces.RELOCATOR;
import static io.relocator.worker.simulator.AgentNamespaces.TYPES;

import java.util.List;
import java.util.Optional;

import org.w3c.dom.Element;

/**
 * The parts of a {@code {relocator}migrate_v2v} body the simulator acts on. Parsing is as strict as the schema about
 * namespaces and order ({@code options}, {@code eid_list}, {@code dst} in relocator; their children in types), so a
 * client bug shows up here and not first against a real Agent. {@link #toString()} hides the password.
 *
 * @param force {@code options/force} present
 * @param nostart {@code options/nostart} present
 * @param remove {@code options/remove}, if given
 * @param type {@code options/type}, if given
 * @param eids the containers, at least one, without repeats
 * @param dstAddress {@code dst/address}; its first DNS label is the destination node id
 * @param dstName {@code dst/login/name}, base64
 * @param dstPassword {@code dst/password}, base64
 */
record MigrateV2vCall(boolean force, boolean nostart, Optional<Boolean> remove, Optional<Integer> type,
        List<String> eids, String dstAddress, String dstName, String dstPassword) {

    static MigrateV2vCall parse(Element body) {
        SoapRequest.requireSequence(body, RELOCATOR, "options", "eid_list", "dst");
        Optional<Element> options = SoapRequest.child(body, RELOCATOR, "options");
        options.ifPresent(o -> SoapRequest.requireSequence(o, RELOCATOR, "force", "nostart", "remove", "config", "type"));
        Element dst = required(body, "dst");
        SoapRequest.requireSequence(dst, TYPES, "protocol", "address", "port", "login", "password");
        Element login = SoapRequest.child(dst, TYPES, "login")
                .orElseThrow(() -> new AgentFault(AgentFault.BAD_REQUEST, "Missing element dst/login"));
        SoapRequest.requireSequence(login, TYPES, "name", "domain", "realm");
        SoapRequest.requiredText(login, TYPES, "realm");
        return new MigrateV2vCall(
                options.flatMap(o -> SoapRequest.child(o, RELOCATOR, "force")).isPresent(),
                options.flatMap(o -> SoapRequest.child(o, RELOCATOR, "nostart")).isPresent(),
                options.flatMap(o -> SoapRequest.text(o, RELOCATOR, "remove")).map(MigrateV2vCall::xsBoolean),
                options.flatMap(o -> SoapRequest.text(o, RELOCATOR, "type")).map(MigrateV2vCall::xsInt),
                eids(required(body, "eid_list")),
                SoapRequest.requiredText(dst, TYPES, "address"),
                SoapRequest.text(login, TYPES, "name").orElse(""),
                SoapRequest.text(dst, TYPES, "password").orElse(""));
    }

    /** The node id the destination address names: its first DNS label ({@code hn-02.sim.invalid} is {@code hn-02}). */
    String destinationNodeId() {
        int dot = dstAddress.indexOf('.');
        return dot < 0 ? dstAddress : dstAddress.substring(0, dot);
    }

    @Override
    public String toString() {
        return "MigrateV2vCall[eids=" + eids + ", dst=" + dstAddress + ", force=" + force + ", nostart=" + nostart
                + ", remove=" + remove + ", type=" + type + "]";
    }

    private static List<String> eids(Element eidList) {
        SoapRequest.requireSequenceOf(eidList, TYPES, "eid");
        List<String> eids = SoapRequest.children(eidList).stream().map(e -> e.getTextContent().strip()).distinct()
                .toList();
        if (eids.isEmpty() || eids.contains("")) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "eid_list must name at least one container");
        }
        return eids;
    }

    private static Element required(Element body, String name) {
        return SoapRequest.child(body, RELOCATOR, name)
                .orElseThrow(() -> new AgentFault(AgentFault.BAD_REQUEST, "Missing element {" + RELOCATOR + "}" + name));
    }

    private static boolean xsBoolean(String value) {
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new AgentFault(AgentFault.BAD_REQUEST, "options/remove is not an xs:boolean");
        };
    }

    private static int xsInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "options/type is not an xs:int");
        }
    }
}
