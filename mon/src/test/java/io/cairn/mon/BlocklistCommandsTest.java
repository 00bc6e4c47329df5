package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.MonLogEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code osd blocklist add|rm|ls} with Ceph's outputs, refusals of bad addresses and expiries, the
 * default expiry settled from config before proposing, and the leader's expiry proposals.
 */
class BlocklistCommandsTest {
    /** 2026-11-23T00:53:20Z. */
    private static final long NOW = 1_795_395_200_000L;
    private static final CairnConfig CONFIG = CairnConfig.defaults("mon.a");

    private static CommandResult run(OsdMap map, String prefix, Map<String, String> args, long nowMs, CairnConfig config) {
        CommandRequest req = CommandPreparer.prepare(CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).build(),
                config);
        return WriteCommands.apply(map, req, nowMs, false);
    }

    private static CommandResult run(OsdMap map, String prefix, Map<String, String> args) {
        return run(map, prefix, args, NOW, CONFIG);
    }

    private static CommandResult ls(OsdMap map) {
        return ReadCommands.run(map, CommandRequest.newBuilder().setPrefix(BlocklistCommands.LS).build(), null, null,
                List.of());
    }

    @Test
    void addFencesTheAddressForTheDefaultHourAndSaysUntilWhen() {
        CommandResult r = run(WriteCommandsTest.fresh(), "osd blocklist add", Map.of("addr", "127.0.0.1:0/3141592653"));
        OsdMap m = WriteCommandsTest.ok(r);
        assertEquals("blocklisting 127.0.0.1:0/3141592653 until 2026-11-23T01:53:20.000000+0000 (3600 sec)", r.message());
        assertEquals(Map.of("127.0.0.1:0/3141592653", NOW + 3_600_000), m.blocklist());
        assertTrue(m.isBlocklisted("127.0.0.1:0/3141592653", NOW + 3_599_999));
        assertEquals(2, m.epoch(), "one epoch");
    }

    @Test
    void addTakesAnExpiryInSecondsAndABareIpMeaningTheWholeHost() {
        CommandResult r = run(WriteCommandsTest.fresh(), "osd blocklist add", Map.of("addr", "10.0.0.7", "expire", "90.5"));
        OsdMap m = WriteCommandsTest.ok(r);
        assertEquals("blocklisting 10.0.0.7:0/0 until 2026-11-23T00:54:50.500000+0000 (90.5 sec)", r.message());
        assertTrue(m.isBlocklisted("10.0.0.7:0/12345", NOW + 1), "every client on the host");
        // adding again re-times the entry, as in Ceph
        OsdMap again = WriteCommandsTest.ok(run(m, "osd blocklist add", Map.of("addr", "10.0.0.7:0/0", "expire", "10")));
        assertEquals(Map.of("10.0.0.7:0/0", NOW + 10_000), again.blocklist());
    }

    @Test
    void theDefaultExpiryComesFromTheProposingMonitorsConfig() {
        CairnConfig shortFence = CairnConfig.of(io.cairn.common.config.ConfigFile.empty(), "mon.a",
                Map.of("mon_osd_blocklist_default_expire", "120"));
        CommandRequest prepared = CommandPreparer.prepare(CommandRequest.newBuilder().setPrefix("osd blocklist add")
                .putArgs("addr", "10.0.0.1:0/1").build(), shortFence);
        assertEquals("120", prepared.getArgsOrThrow("expire"), "settled before proposing: every monitor applies it");
        CommandResult r = run(WriteCommandsTest.fresh(), "osd blocklist add", Map.of("addr", "10.0.0.1:0/1"), NOW,
                shortFence);
        assertEquals(Map.of("10.0.0.1:0/1", NOW + 120_000), WriteCommandsTest.ok(r).blocklist());
        assertTrue(r.message().endsWith("(120 sec)"), r.message());
    }

    @Test
    void badAddressesAndExpiriesAreRefusedWithEinval() {
        OsdMap m = WriteCommandsTest.fresh();
        WriteCommandsTest.refused(ErrorCode.EINVAL, "bad address 'client.admin': expected IP:PORT/NONCE (e.g. "
                + "192.168.0.10:0/3141592653, [::1]:0/7) or a bare IP for every client on it",
                run(m, "osd blocklist add", Map.of("addr", "client.admin")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "bad address '10.0.0.1:0/9999999999': nonce 9999999999 is not an "
                + "unsigned 32-bit number", run(m, "osd blocklist add", Map.of("addr", "10.0.0.1:0/9999999999")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "bad address '10.0.0.300': '10.0.0.300' is not an IPv4 address",
                run(m, "osd blocklist rm", Map.of("addr", "10.0.0.300")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "missing argument 'addr'", run(m, "osd blocklist add", Map.of()));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "'expire' must be a number, not 'soon'",
                run(m, "osd blocklist add", Map.of("addr", "10.0.0.1", "expire", "soon")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "expire must be more than 0 and at most 3153600000 seconds, not -5",
                run(m, "osd blocklist add", Map.of("addr", "10.0.0.1", "expire", "-5")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "expire must be more than 0 and at most 3153600000 seconds, not 0",
                run(m, "osd blocklist add", Map.of("addr", "10.0.0.1", "expire", "0")));
    }

    @Test
    void rmUnfencesAndAnUnlistedAddressIsNotAnError() {
        OsdMap m = WriteCommandsTest.ok(run(WriteCommandsTest.fresh(), "osd blocklist add", Map.of("addr", "10.0.0.1")));
        CommandResult r = run(m, "osd blocklist rm", Map.of("addr", "10.0.0.1"));
        assertEquals("un-blocklisting 10.0.0.1:0/0", r.message(), "a bare IP names the whole-host entry");
        assertTrue(WriteCommandsTest.ok(r).blocklist().isEmpty());
        CommandResult again = run(r.newMap(), "osd blocklist rm", Map.of("addr", "10.0.0.1:0/0"));
        assertEquals(ErrorCode.OK, again.code());
        assertEquals("10.0.0.1:0/0 isn't blocklisted", again.message());
        assertNull(again.newMap(), "nothing to change");
    }

    @Test
    void lsListsEntriesInAddressOrderWithTheirExpiry() {
        OsdMap m = WriteCommandsTest.fresh();
        assertEquals("listed 0 entries", ls(m).message());
        assertEquals("", ls(m).plain());
        m = WriteCommandsTest.ok(run(m, "osd blocklist add", Map.of("addr", "10.0.0.2:0/5", "expire", "60")));
        m = WriteCommandsTest.ok(run(m, "osd blocklist add", Map.of("addr", "10.0.0.1", "expire", "30")));
        CommandResult r = ls(m);
        assertEquals(ErrorCode.OK, r.code());
        assertEquals("10.0.0.1:0/0 2026-11-23T00:53:50.000000+0000\n10.0.0.2:0/5 2026-11-23T00:54:20.000000+0000\n",
                r.plain());
        assertEquals("listed 2 entries", r.message());
        assertEquals("[{\"addr\":\"10.0.0.1:0/0\",\"until\":\"2026-11-23T00:53:50.000000+0000\"},"
                + "{\"addr\":\"10.0.0.2:0/5\",\"until\":\"2026-11-23T00:54:20.000000+0000\"}]", Json.write(r.json(), false));
        CommandResult dump = ReadCommands.run(m, CommandRequest.newBuilder().setPrefix("osd dump").build(), null, null,
                List.of());
        assertTrue(dump.plain().endsWith("blocklist 10.0.0.1:0/0 expires 2026-11-23T00:53:50.000000+0000\n"
                + "blocklist 10.0.0.2:0/5 expires 2026-11-23T00:54:20.000000+0000\n"), dump.plain());
        assertEquals(Map.of("10.0.0.1:0/0", "2026-11-23T00:53:50.000000+0000", "10.0.0.2:0/5",
                "2026-11-23T00:54:20.000000+0000"), ((Map<?, ?>) dump.json()).get("blocklist"));
    }

    @Test
    void expiryDropsOnlyLapsedEntriesAndIsForMonitorsOnly() {
        OsdMap m = WriteCommandsTest.fresh();
        m = WriteCommandsTest.ok(run(m, "osd blocklist add", Map.of("addr", "10.0.0.1:0/1", "expire", "10")));
        m = WriteCommandsTest.ok(run(m, "osd blocklist add", Map.of("addr", "10.0.0.2:0/2", "expire", "20")));
        assertEquals(List.of(), BlocklistCommands.expired(m, NOW + 9_999));
        assertEquals(List.of("10.0.0.1:0/1"), BlocklistCommands.expired(m, NOW + 10_000));
        assertEquals(List.of("10.0.0.1:0/1", "10.0.0.2:0/2"), BlocklistCommands.expired(m, NOW + 60_000));

        CommandRequest expire = CommandRequest.newBuilder().setPrefix(BlocklistCommands.EXPIRE).build();
        assertEquals(ErrorCode.EPERM, WriteCommands.apply(m, expire, NOW + 15_000, false).code());
        CommandResult r = WriteCommands.apply(m, expire, NOW + 15_000, true);
        assertEquals("expired 1 blocklist entry: 10.0.0.1:0/1", r.message());
        assertEquals(Map.of("10.0.0.2:0/2", NOW + 20_000), WriteCommandsTest.ok(r).blocklist());
        CommandResult none = WriteCommands.apply(r.newMap(), expire, NOW + 15_000, true);
        assertEquals(ErrorCode.OK, none.code());
        assertNull(none.newMap(), "nothing lapsed: no new epoch");
    }

    @Test
    void theLeaderProposesExpiryOncePerEpochUntilItIsLost() {
        OsdMap m = WriteCommandsTest.ok(run(WriteCommandsTest.fresh(), "osd blocklist add",
                Map.of("addr", "10.0.0.1:0/1", "expire", "10")));
        BlocklistExpiry leader = new BlocklistExpiry();
        assertTrue(leader.due(m, NOW + 9_000, "mon.a").isEmpty(), "not yet expired");
        CommandRequest c = leader.due(m, NOW + 10_000, "mon.a").orElseThrow();
        assertEquals(BlocklistCommands.EXPIRE, c.getPrefix());
        assertEquals("mon.a", c.getEntity());
        assertTrue(leader.due(m, NOW + 11_000, "mon.a").isEmpty(), "in flight: not proposed twice in one epoch");
        assertTrue(leader.due(m, NOW + 10_000 + BlocklistExpiry.RETRY_MS, "mon.a").isPresent(),
                "the map never moved: the proposal was lost, so it is made again");
        OsdMap after = WriteCommandsTest.ok(WriteCommands.apply(m, c, NOW + 10_000, true));
        assertTrue(leader.due(after, NOW + 30_000, "mon.a").isEmpty(), "nothing left to expire");
        assertTrue(new BlocklistExpiry().due(WriteCommandsTest.fresh(), NOW, "mon.a").isEmpty());
    }

    @Test
    void blocklistCommandsGoThroughTheStateMachine() {
        MonStateMachine sm = new MonStateMachine(() -> 500, x -> { });
        sm.apply(entry("mon init", Map.of("fsid", "f"), true, NOW));
        CommandReply add = sm.apply(entry("osd blocklist add", Map.of("addr", "10.0.0.1:0/1", "expire", "5"), false, NOW));
        assertEquals(0, add.getCode(), add.getMessage());
        assertEquals(sm.epoch(), add.getEpoch());
        assertEquals(Map.of("10.0.0.1:0/1", NOW + 5_000), sm.current().blocklist());
        assertEquals(ErrorCode.EPERM.code(), sm.apply(entry(BlocklistCommands.EXPIRE, Map.of(), false, NOW + 6_000))
                .getCode());
        CommandReply expired = sm.apply(entry(BlocklistCommands.EXPIRE, Map.of(), true, NOW + 6_000));
        assertEquals(0, expired.getCode(), expired.getMessage());
        assertTrue(sm.current().blocklist().isEmpty());
    }

    @Test
    void theOldBlacklistNameIsAnAlias() {
        CommandRequest old = CommandRequest.newBuilder().setPrefix("osd blacklist add").putArgs("addr", "10.0.0.1")
                .setEntity("client.admin").build();
        assertEquals(old.toBuilder().setPrefix("osd blocklist add").build(), BlocklistCommands.unalias(old));
        CommandRequest other = CommandRequest.newBuilder().setPrefix("osd set").putArgs("key", "noout").build();
        assertEquals(other, BlocklistCommands.unalias(other));
    }

    private static MonLogEntry entry(String prefix, Map<String, String> args, boolean internal, long proposedMs) {
        return MonLogEntry.newBuilder().setProposedMs(proposedMs).setInternal(internal).setCommand(CommandRequest
                .newBuilder().setPrefix(prefix).putAllArgs(args).setEntity("client.admin")).build();
    }
}
