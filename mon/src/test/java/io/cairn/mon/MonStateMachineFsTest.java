package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.GetFsMapRequest;
import io.cairn.proto.v1.MdsBeaconReply;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MonLogEntry;
import io.cairn.proto.v1.MonQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** FsMap commands through the state machine: routing, the OSDMap epoch in replies, log lines, and the query kinds. */
class MonStateMachineFsTest {
    private static final CairnConfig CONFIG = CairnConfig.defaults("mon.a");

    private final MonStateMachine sm = new MonStateMachine(() -> 500, m -> { });
    private final List<MdsBeaconRequest> beacons = new ArrayList<>();

    private CommandReply apply(String prefix, Map<String, String> args, boolean internal) {
        CommandRequest req = CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).setEntity("client.admin")
                .build();
        if (prefix.equals("osd pool create")) {
            req = CommandPreparer.prepare(req, CONFIG);
        }
        return sm.apply(MonLogEntry.newBuilder().setProposedMs(FsTestCluster.NOW_MS).setCommand(req)
                .setInternal(internal).build());
    }

    private byte[] query(MonQuery q) throws Exception {
        Message reply = sm.query(Message.valueOf(ByteString.copyFrom(q.toByteArray()))).get();
        return reply.getContent().toByteArray();
    }

    @Test
    void fsCommandsChangeTheFsMapAndAnswerWithTheOsdMapEpoch() throws Exception {
        apply("mon init", Map.of("fsid", "f"), true);
        apply("osd pool create", Map.of("pool", "meta"), false);
        apply("osd pool create", Map.of("pool", "files"), false);
        int osdEpoch = sm.epoch();
        CommandReply made = apply("fs new", Map.of("fs_name", "cairnfs", "metadata", "meta", "data", "files"), false);
        assertEquals(0, made.getCode(), made.getMessage());
        assertEquals(osdEpoch, made.getEpoch(), "a client waiting for this epoch finds it");
        assertEquals(1, sm.fsMap().epoch());
        assertEquals(ErrorCode.EPERM.code(), apply("mds boot", Map.of("name", "a", "gid", "7"), false).getCode());
        assertEquals(0, apply("mds boot", Map.of("name", "a", "gid", "7", "addr", "h:1"), true).getCode());
        assertEquals(2, sm.fsMap().epoch());
        CommandReply rm = apply("osd pool rm", Map.of("pool", "files", "pool2", "files",
                "yes_i_really_really_mean_it", "true"), false);
        assertEquals(ErrorCode.EBUSY.code(), rm.getCode());
        assertEquals(osdEpoch, sm.epoch(), "the pool stays");

        sm.setLeaderSide(new FakeLeader());
        FsMapData fetched = FsMapData.parseFrom(query(MonQuery.newBuilder()
                .setGetFsmap(GetFsMapRequest.getDefaultInstance()).build()));
        assertEquals(sm.fsMap().data(), fetched);
        MdsBeaconRequest beacon = MdsBeaconRequest.newBuilder().setName("a").setGid(7).setWantedState("up:active")
                .build();
        MdsBeaconReply reply = MdsBeaconReply.parseFrom(query(MonQuery.newBuilder().setMdsBeacon(beacon).build()));
        assertEquals(0, reply.getCode());
        assertEquals(0, reply.getFsmap().getDaemons(0).getRank(), "the daemon learns its rank from the reply");
        assertEquals("up:replay", reply.getFsmap().getDaemons(0).getState());
        assertEquals(List.of(beacon), beacons);

        CommandReply log = CommandReply.parseFrom(query(MonQuery.newBuilder().setRead(CommandRequest.newBuilder()
                .setPrefix(NoteCommands.LOG_LAST).putArgs("num", "5")).build()));
        assertTrue(log.getOutputPlain().contains("Standby daemon mds.a assigned to filesystem cairnfs as rank 0"),
                log.getOutputPlain());
        CommandReply stat = CommandReply.parseFrom(query(MonQuery.newBuilder().setRead(CommandRequest.newBuilder()
                .setPrefix("mds stat")).build()));
        assertEquals("cairnfs:1/1 {0=a=up:replay}\n", stat.getOutputPlain(), "degraded: up/in");
    }

    /** The leader's side with no quorum to speak of and no PG stats. */
    private final class FakeLeader implements MonStateMachine.LeaderSide {
        @Override
        public QuorumView quorum() {
            return new QuorumView(1, "a", List.of("a"), new MonMap(List.of(new MonMap.Member("a", 0, "127.0.0.1", 6789,
                    7789))), 1, true);
        }

        @Override
        public void beacon(io.cairn.proto.v1.OsdBeaconRequest beacon, long nowMs) { }

        @Override
        public void failure(io.cairn.proto.v1.OsdFailureRequest report, long nowMs) { }

        @Override
        public void stats(io.cairn.proto.v1.OsdStatsRequest report) { }

        @Override
        public PgStatsTable.Summary summary(OsdMap map) {
            return new PgStatsTable().summarize(map);
        }

        @Override
        public void mdsBeacon(MdsBeaconRequest beacon, FsMap fsMap) {
            beacons.add(beacon);
        }

        @Override
        public FsView fsView(FsMap fsMap) {
            return new FsView(fsMap, Map.of());
        }
    }
}
