package io.relocator.worker.agent;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.relocator.worker.agent.soap.envm.GetInfo;
import io.relocator.worker.agent.soap.header.PacketHeader;
import io.relocator.worker.agent.soap.relocator.FlagType;
import io.relocator.worker.agent.soap.relocator.MigrateV2V;
import io.relocator.worker.agent.soap.relocator.V2VMigrateOptionsType;
import io.relocator.worker.agent.soap.sessionm.Login;
import io.relocator.worker.agent.soap.system.Cancel;
import io.relocator.worker.agent.soap.types.AuthNameType;
import io.relocator.worker.agent.soap.types.ConnectionInfoType;
import io.relocator.worker.agent.soap.types.EidListType;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationOptions;

/**
 * Builds the Agent request bodies and headers. User names and passwords are set as bytes: JAXB writes the
 * {@code xs:base64Binary} elements as their base64 form, which is what the Agent expects. A migration's packet id
 * comes from the domain (it is kept in the in-flight mark); other calls get one of their own here.
 */
public final class AgentRequests {

    public static final String PROTOCOL_VERSION = "4.0.0";
    /** The operator that answers get_info. */
    static final String ENVM_TARGET = "envm";

    private final String prefix = UUID.randomUUID().toString().substring(0, 8) + "-";
    private final AtomicLong packets = new AtomicLong();
    private final String migrationTarget;

    /** @param migrationTarget {@code packet_header/target} of migrations ({@code relocator.agent.header-target}) */
    public AgentRequests(String migrationTarget) {
        this.migrationTarget = migrationTarget;
    }

    /** {@code sessionm/login} with a node's own credentials. */
    public Login login(RelocatorConfig.Node node) {
        Login login = new Login();
        login.setName(bytes(node.username()));
        login.setRealm(node.realm());
        login.setPassword(node.password().utf8());
        return login;
    }

    /** {@code relocator/migrate_v2v}: the Container to the target node, with the target's connection and login. */
    public MigrateV2V migrateV2V(MigrationCall call, RelocatorConfig.Node target) {
        MigrateV2V body = new MigrateV2V();
        body.setOptions(options(call.options(), call.migrationType()));
        EidListType eids = new EidListType();
        eids.getEid().add(call.containerId());
        body.setEidList(eids);
        body.setDst(destination(target));
        return body;
    }

    /**
     * {@code system/cancel} of the call sent with {@code packetId}: with the migration's {@code target}, and
     * {@code global} (ignore the cancelled message's origin), because the call may have been sent on an earlier
     * session or by another worker; packet ids are UUIDs, unique over the Agent as {@code global} supposes.
     */
    public Cancel cancel(String packetId) {
        Cancel body = new Cancel();
        body.setMessageId(packetId);
        body.setTarget(migrationTarget);
        body.setGlobal(new Cancel.Global());
        return body;
    }

    /** {@code envm/get_info} about one Container. */
    public GetInfo getInfo(String containerId) {
        GetInfo body = new GetInfo();
        body.getEid().add(containerId);
        return body;
    }

    /** The header of a migration, with the packet id the domain chose for it. */
    public PacketHeader migrationHeader(String session, String packetId) {
        return header(migrationTarget, session, packetId);
    }

    public PacketHeader getInfoHeader(String session) {
        return header(ENVM_TARGET, session, nextPacketId());
    }

    /** A system request's header has no {@code target} ("no targets should be specified in these"). */
    public PacketHeader cancelHeader(String session) {
        return header(null, session, nextPacketId());
    }

    private String nextPacketId() {
        return prefix + packets.incrementAndGet();
    }

    private static PacketHeader header(String target, String session, String packetId) {
        PacketHeader header = new PacketHeader();
        header.setVersion(PROTOCOL_VERSION);
        header.setId(packetId);
        header.setTarget(target);
        header.setSession(session);
        return header;
    }

    private static V2VMigrateOptionsType options(MigrationOptions options, int migrationType) {
        V2VMigrateOptionsType agentOptions = new V2VMigrateOptionsType();
        MigrationOptions given = options == null ? MigrationOptions.NONE : options;
        if (given.force()) {
            agentOptions.setForce(new FlagType());
        }
        if (given.noStart()) {
            agentOptions.setNostart(new FlagType());
        }
        if (given.removeSource()) {
            agentOptions.setRemove(Boolean.TRUE);
        }
        agentOptions.setType(migrationType);
        return agentOptions;
    }

    private static ConnectionInfoType destination(RelocatorConfig.Node target) {
        ConnectionInfoType dst = new ConnectionInfoType();
        dst.setProtocol(target.protocol());
        dst.setAddress(target.address());
        dst.setPort((long) target.port());
        AuthNameType login = new AuthNameType();
        login.setName(bytes(target.username()));
        login.setRealm(target.realm());
        dst.setLogin(login);
        dst.setPassword(target.password().utf8());
        return dst;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
