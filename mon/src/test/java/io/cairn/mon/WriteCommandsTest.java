package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.proto.v1.CommandRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The map-changing commands as pure functions: results, and refusals that leave the map alone. */
class WriteCommandsTest {
    private static final CairnConfig CONFIG = CairnConfig.defaults("mon.a");

    static OsdMap fresh() {
        return OsdMap.initial("fsid", 0, CrushMapBuilder.newDefault().build());
    }

    static CommandResult run(OsdMap map, String prefix, Map<String, String> args) {
        CommandRequest req = CommandPreparer.prepare(CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).build(),
                CONFIG);
        return WriteCommands.apply(map, req, 1000, false);
    }

    static CommandResult internal(OsdMap map, String prefix, Map<String, String> args) {
        return WriteCommands.apply(map, CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).build(), 1000, true);
    }

    static OsdMap ok(CommandResult r) {
        assertEquals(ErrorCode.OK, r.code(), r.message());
        assertNotNull(r.newMap(), "the map changed");
        return r.newMap();
    }

    static void refused(ErrorCode code, String message, CommandResult r) {
        assertEquals(code, r.code(), r.message());
        assertEquals(message, r.message());
        assertNull(r.newMap(), "a refused command leaves the map alone");
    }

    /** Three OSDs booted on three hosts, and pool "data". */
    static OsdMap cluster() {
        OsdMap m = fresh();
        for (int i = 0; i < 3; i++) {
            m = ok(run(m, "osd create", Map.of("uuid", "u" + i)));
            m = ok(internal(m, "osd boot", Map.of("id", "" + i, "uuid", "u" + i, "addr", "127.0.0.1:" + (6800 + i),
                    "host", "h" + i)));
        }
        return ok(run(m, "osd pool create", Map.of("pool", "data", "pg_num", "16")));
    }

    @Test
    void aBootingOsdLandsInTheRackItsCrushLocationNames() {
        OsdMap m = ok(run(fresh(), "osd create", Map.of("uuid", "u7")));
        m = ok(internal(m, "osd boot", Map.of("id", "0", "uuid", "u7", "addr", "127.0.0.1:6800", "host", "h7",
                "crush_location", "rack=r2 host=h7")));
        CrushMapBuilder b = m.crush().toBuilder();
        int host = b.idOf("h7");
        int rack = b.idOf("r2");
        assertEquals(List.of(host), b.parentsOf(0));
        assertEquals(List.of(rack), b.parentsOf(host));
        assertEquals(List.of(b.idOf("default")), b.parentsOf(rack));
        refused(ErrorCode.EINVAL, "bad CRUSH location 'rack' (expected type=name)", internal(ok(run(fresh(), "osd create",
                Map.of("uuid", "u8"))), "osd boot", Map.of("id", "0", "uuid", "u8", "addr", "127.0.0.1:6801",
                "host", "h8", "crush_location", "rack")));
    }

    @Test
    void aDestroyedOsdKeepsItsIdAndCrushPlaceForItsReplacementOnly() {
        OsdMap m = cluster();
        refused(ErrorCode.EBUSY, "osd.2 is still up; must be down before destroy",
                run(m, "osd destroy", Map.of("id", "2", "yes_i_really_mean_it", "true")));
        m = ok(run(m, "osd down", Map.of("ids", "2")));
        assertEquals(ErrorCode.EPERM, run(m, "osd destroy", Map.of("id", "2")).code());
        OsdMap destroyed = ok(run(m, "osd destroy", Map.of("id", "2", "yes_i_really_mean_it", "true")));
        assertTrue(destroyed.osd(2).destroyed() && !destroyed.osd(2).in(), "destroyed and out");
        assertNotNull(destroyed.crush().toBuilder().idOf("osd.2"), "still in CRUSH");
        assertTrue(ReadCommands.run(destroyed, CommandRequest.newBuilder().setPrefix("osd tree").build(), null, null,
                List.of()).plain().contains("destroyed"), "osd tree says so");
        // the old store can neither re-register nor boot
        assertEquals(ErrorCode.EEXIST, run(destroyed, "osd create", Map.of("uuid", "u2", "id", "2")).code());
        assertEquals(ErrorCode.EINVAL, internal(destroyed, "osd boot", Map.of("id", "2", "uuid", "u2",
                "addr", "127.0.0.1:6802", "host", "h2")).code());
        // its replacement takes the id, boots into the same CRUSH place, and is in
        OsdMap replaced = ok(run(destroyed, "osd create", Map.of("uuid", "new-disk", "id", "2")));
        replaced = ok(internal(replaced, "osd boot", Map.of("id", "2", "uuid", "new-disk", "addr", "127.0.0.1:6812",
                "host", "h2")));
        assertTrue(replaced.osd(2).up() && replaced.osd(2).in() && !replaced.osd(2).destroyed());
        assertEquals(destroyed.crush().toBuilder().parentsOf(2), replaced.crush().toBuilder().parentsOf(2));
        // and it survives the map's encoding
        OsdMap decoded = io.cairn.common.osdmap.OsdMapCodec.decode(io.cairn.common.osdmap.OsdMapCodec.encode(destroyed));
        assertTrue(decoded.osd(2).destroyed());
    }

    @Test
    void purgeRetiresADownOsdOnlyWhenConfirmed() {
        OsdMap m = cluster();
        refused(ErrorCode.EPERM, "this command will remove osd.1 and its data for good; add --yes-i-really-mean-it if "
                + "you are sure", run(m, "osd purge", Map.of("id", "1")));
        refused(ErrorCode.EBUSY, "osd.1 is still up; must be down before removal",
                run(m, "osd purge", Map.of("id", "1", "yes_i_really_mean_it", "true")));
        m = ok(run(m, "osd down", Map.of("ids", "1")));
        OsdMap purged = ok(run(m, "osd purge", Map.of("id", "1", "yes_i_really_mean_it", "true")));
        assertTrue(purged.osd(1) == null || !purged.osd(1).exists(), "osd.1 left the map");
        assertNull(purged.crush().toBuilder().idOf("osd.1"), "and CRUSH");
        CommandResult again = run(purged, "osd purge", Map.of("id", "1", "yes_i_really_mean_it", "true"));
        assertEquals(ErrorCode.OK, again.code());
        assertNull(again.newMap(), "purging a purged OSD changes nothing");
        // the id is free for the next OSD made
        assertEquals("1", run(purged, "osd create", Map.of("uuid", "new")).plain().strip());
    }

    @Test
    void bootPlacesOsdsInCrushAndMarksThemIn() {
        OsdMap m = cluster();
        assertEquals(3, m.numUpOsds());
        assertEquals(3, m.numInOsds());
        assertEquals(3 * 0x10000, m.crush().bucket(-1).weight());
        assertEquals(3, m.mapPg(new io.cairn.common.osdmap.PgId(1, 0)).up().size());
        assertEquals(m.epoch(), m.pool("data").createdEpoch());
    }

    @Test
    void aliveRecordsUpThruOnlyForward() {
        OsdMap m = cluster();
        int want = m.epoch();
        m = ok(run(m, "osd alive", Map.of("id", "1", "want", "" + want)));
        assertEquals(want, m.osd(1).upThru());
        assertEquals(ErrorCode.OK, run(m, "osd alive", Map.of("id", "1", "want", "" + (want - 1))).code());
        assertNull(run(m, "osd alive", Map.of("id", "1", "want", "" + want)).newMap(), "already recorded: no new epoch");
        refused(ErrorCode.EINVAL, "up_thru 99 must be 1.." + m.epoch(), run(m, "osd alive", Map.of("id", "1", "want", "99")));
        m = ok(run(m, "osd down", Map.of("ids", "2")));
        refused(ErrorCode.EAGAIN, "osd.2 is down", run(m, "osd alive", Map.of("id", "2", "want", "" + m.epoch())));
    }

    @Test
    void sameUuidSameId() {
        OsdMap m = ok(run(fresh(), "osd create", Map.of("uuid", "x")));
        CommandResult again = run(m, "osd create", Map.of("uuid", "x"));
        assertEquals(ErrorCode.OK, again.code());
        assertNull(again.newMap());
        assertEquals("0\n", again.plain());
        assertEquals("1\n", run(m, "osd create", Map.of("uuid", "y")).plain());
    }

    @Test
    void badPoolInputIsRefused() {
        OsdMap m = cluster();
        refused(ErrorCode.ENOENT, "pool 'nope' does not exist", run(m, "osd pool set", Map.of("pool", "nope", "var", "size", "val", "2")));
        refused(ErrorCode.EINVAL, "pool size must be between 1 and 10, not 0", run(m, "osd pool set", Map.of("pool", "data", "var", "size", "val", "0")));
        refused(ErrorCode.EINVAL, "pool size must be between 1 and 10, not 11", run(m, "osd pool set", Map.of("pool", "data", "var", "size", "val", "11")));
        refused(ErrorCode.EINVAL, "pool min_size must be between 1 and size (3), not 4", run(m, "osd pool set", Map.of("pool", "data", "var", "min_size", "val", "4")));
        refused(ErrorCode.EINVAL, "pg_num 8 < current 16: decreasing pg_num is not supported", run(m, "osd pool set", Map.of("pool", "data", "var", "pg_num", "val", "8")));
        refused(ErrorCode.EINVAL, "pgp_num must be 1..pg_num (16), not 32",
                run(m, "osd pool set", Map.of("pool", "data", "var", "pgp_num", "val", "32")));
        OsdMap split = ok(run(m, "osd pool set", Map.of("pool", "data", "var", "pg_num", "val", "32")));
        assertEquals(32, split.pool("data").pgNum(), "the OSDs split the PGs");
        assertEquals(16, split.pool("data").pgpNum(), "the new PGs stay with their parents until pgp_num is raised");
        assertEquals(8, ok(run(m, "osd pool set", Map.of("pool", "data", "var", "pgp_num", "val", "8"))).pool("data").pgpNum(),
                "moved PGs are found through their past intervals");
        assertEquals(ErrorCode.OK, run(m, "osd pool set", Map.of("pool", "data", "var", "pg_num", "val", "16")).code());
        OsdMap withRule = ok(run(m, "osd crush rule create-replicated", Map.of("name", "by-osd", "root", "default", "type", "osd")));
        OsdMap byOsd = ok(run(withRule, "osd pool set", Map.of("pool", "data", "var", "crush_rule", "val", "by-osd")));
        assertEquals(withRule.crush().rule("by-osd").id(), byOsd.pool("data").crushRule());
        refused(ErrorCode.EINVAL, "'val' must be an integer, not 'many'", run(m, "osd pool set", Map.of("pool", "data", "var", "size", "val", "many")));
        refused(ErrorCode.EINVAL, "unknown pool variable 'colour' (size, min_size, pg_num, pgp_num, crush_rule)",
                run(m, "osd pool set", Map.of("pool", "data", "var", "colour", "val", "red")));
        refused(ErrorCode.EINVAL, "bad pool name 'a b' (letters, digits, _ . -; at most 100)", run(m, "osd pool create", Map.of("pool", "a b")));
    }

    @Test
    void pgTempMakesAPgActOnOtherOsdsUntilDropped() {
        OsdMap m = cluster();
        io.cairn.common.osdmap.PgId pg = new io.cairn.common.osdmap.PgId(m.pool("data").id(), 3);
        String id = pg.toString();
        List<Integer> up = m.mapPg(pg).up();
        List<Integer> temp = List.of(up.get(1), up.get(2));
        OsdMap t = ok(run(m, "osd pg-temp", Map.of("pgid", id, "ids", temp.get(0) + "," + temp.get(1))));
        assertEquals(temp, t.mapPg(pg).acting());
        assertEquals(up, t.mapPg(pg).up(), "the up set is CRUSH's still");
        assertEquals(temp.get(0), t.mapPg(pg).actingPrimary());
        assertEquals(ErrorCode.OK, run(t, "osd pg-temp", Map.of("pgid", id, "ids", temp.get(0) + " " + temp.get(1))).code());
        assertNull(run(t, "osd pg-temp", Map.of("pgid", id, "ids", temp.get(0) + "," + temp.get(1))).newMap(), "no change");
        OsdMap back = ok(run(t, "osd pg-temp", Map.of("pgid", id)));
        assertEquals(up, back.mapPg(pg).acting());
        assertTrue(back.pgTemp().isEmpty());
        refused(ErrorCode.ENOENT, "pg 1.10 does not exist", run(m, "osd pg-temp", Map.of("pgid", m.pool("data").id() + ".10")));
        refused(ErrorCode.ENOENT, "osd.9 does not exist", run(m, "osd pg-temp", Map.of("pgid", id, "ids", "9")));
        refused(ErrorCode.EINVAL, "pg_temp [0, 0] must name at most 3 distinct OSDs",
                run(m, "osd pg-temp", Map.of("pgid", id, "ids", "0,0")));
        refused(ErrorCode.EINVAL, "bad pg id 'x' (expected POOL.SEED, e.g. 1.6a)", run(m, "osd pg-temp", Map.of("pgid", "x")));
    }

    @Test
    void poolDeleteNeedsConfigNameTwiceAndFlag() {
        OsdMap m = cluster();
        CairnConfig allow = CairnConfig.of(io.cairn.common.config.ConfigFile.empty(), "mon.a",
                Map.of("mon_allow_pool_delete", "true"));
        CommandRequest noFlag = CommandPreparer.prepare(CommandRequest.newBuilder().setPrefix("osd pool rm")
                .putArgs("pool", "data").putArgs("pool2", "data").build(), allow);
        assertEquals(ErrorCode.EPERM, WriteCommands.apply(m, noFlag, 1, false).code());
        CommandRequest yes = noFlag.toBuilder().putArgs("yes_i_really_really_mean_it", "true").build();
        OsdMap after = ok(WriteCommands.apply(m, yes, 1, false));
        assertNull(after.pool("data"));
        try {
            CommandPreparer.prepare(yes, CONFIG);
            throw new AssertionError("deletion must be refused without mon_allow_pool_delete");
        } catch (io.cairn.common.CairnException e) {
            assertEquals(ErrorCode.EPERM, e.code());
        }
    }

    @Test
    void badCrushInputIsRefused() {
        OsdMap m = cluster();
        refused(ErrorCode.EINVAL, "weight must be a number from 0 to 65535, not -1.0",
                run(m, "osd crush reweight", Map.of("name", "osd.0", "weight", "-1")));
        refused(ErrorCode.EINVAL, "'weight' must be a number, not 'NaN'",
                run(m, "osd crush reweight", Map.of("name", "osd.0", "weight", "NaN")));
        refused(ErrorCode.ENOENT, "item 'nowhere' does not exist in the crush map",
                run(m, "osd crush move", Map.of("name", "nowhere", "args", "root=default")));
        refused(ErrorCode.EINVAL, "unknown type 'shelf'", run(m, "osd crush add-bucket", Map.of("name", "s1", "type", "shelf")));
        refused(ErrorCode.EINVAL, "unknown type 'galaxy'",
                run(m, "osd crush rule create-replicated", Map.of("name", "r", "root", "default", "type", "galaxy")));
        refused(ErrorCode.EBUSY, "rule replicated_rule is in use by pool 'data'",
                run(m, "osd crush rule rm", Map.of("name", "replicated_rule")));
    }

    @Test
    void changeThatLeavesARuleUnableToMapIsRefused() {
        OsdMap m = cluster();
        // moving every host under a new root leaves "default" empty: pool data could not map
        m = ok(run(m, "osd crush add-bucket", Map.of("name", "other", "type", "root")));
        m = ok(run(m, "osd crush move", Map.of("name", "h0", "args", "root=other")));
        m = ok(run(m, "osd crush move", Map.of("name", "h1", "args", "root=other")));
        CommandResult last = run(m, "osd crush move", Map.of("name", "h2", "args", "root=other"));
        refused(ErrorCode.EINVAL, "the change would leave CRUSH rule 0 (used by pool 'data') unable to map any OSD", last);
    }

    @Test
    void internalCommandsAreForMonitorsOnly() {
        refused(ErrorCode.EPERM, "'osd boot' is for monitors only", run(cluster(), "osd boot", Map.of("id", "0")));
    }

    @Test
    void autoOutStopsAtTheInRatio() {
        OsdMap m = cluster();
        m = ok(run(m, "osd down", Map.of("ids", "0,1,2")));
        OsdMap out = ok(internal(m, "osd auto-out", Map.of("ids", "0,1,2", "min_in_ratio", "0.5")));
        assertEquals(2, out.numInOsds(), "only one of three may go: 1/3 in would be below 0.5");
        assertTrue(out.osd(0).autoOut());
        OsdMap back = ok(internal(out, "osd boot", Map.of("id", "0", "uuid", "u0", "addr", "127.0.0.1:7000", "host", "h0")));
        assertTrue(back.isIn(0), "an OSD the monitors marked out goes back in when it boots");
    }

    @Test
    void flagsAndNoout() {
        OsdMap m = ok(run(cluster(), "osd set", Map.of("key", "noout")));
        m = ok(run(m, "osd down", Map.of("ids", "1")));
        CommandResult r = internal(m, "osd auto-out", Map.of("ids", "1", "min_in_ratio", "0"));
        assertNull(r.newMap(), "noout keeps a down OSD in");
        refused(ErrorCode.EINVAL, "unknown flag 'nofun' (noout, noin, nodown, noup, norecover, nobackfill, noscrub, "
                + "nodeep-scrub, pause, full, nosnaptrim)", run(m, "osd set", Map.of("key", "nofun")));
    }
}
