package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigWho;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.MonSnapshotData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The central config database as the state machine applies it: commands, refusals, snapshots. */
class ConfigCommandsTest {
    private static final CairnConfig MON = CairnConfig.defaults("mon.a");

    static CommandRequest req(String prefix, Map<String, String> args) {
        return CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).build();
    }

    /** As a monitor runs a write: prepared (checked) on the receiving monitor, then applied. */
    static CommandResult write(ConfigDb db, String prefix, Map<String, String> args) {
        CommandRequest prepared;
        try {
            prepared = CommandPreparer.prepare(req(prefix, args), MON);
        } catch (CairnException e) {
            return CommandResult.error(e);
        }
        return ConfigCommands.apply(db, prepared);
    }

    static CommandResult set(ConfigDb db, String who, String name, String value) {
        return write(db, "config set", Map.of("who", who, "name", name, "value", value));
    }

    static CommandResult read(ConfigDb db, String prefix, Map<String, String> args) {
        return ConfigViews.run(db, req(prefix, args));
    }

    private static void ok(CommandResult r) {
        assertEquals(ErrorCode.OK, r.code(), r.message());
    }

    @Test
    void setGetRmDump() {
        ConfigDb db = new ConfigDb();
        ok(set(db, "global", "osd_recovery_max_active", "2"));
        ok(set(db, "osd", "osd_recovery_max_active", "4"));
        ok(set(db, "osd.3", "osd recovery max active", " 8 "));
        ok(set(db, "mon", "mon_osd_down_out_interval", "300"));
        assertEquals(4, db.version());
        assertEquals("8\n", read(db, "config get", Map.of("who", "osd.3", "key", "osd_recovery_max_active")).plain());
        assertEquals("4\n", read(db, "config get", Map.of("who", "osd.1", "key", "osd_recovery_max_active")).plain());
        assertEquals("2\n", read(db, "config get", Map.of("who", "client.admin", "key", "osd_recovery_max_active"))
                .plain());
        assertEquals("1\n", read(db, "config get", Map.of("who", "mon.a", "key", "osd_max_backfills")).plain(),
                "an option set nowhere shows its default");
        assertEquals(Map.of("osd_recovery_max_active", "8"), db.valuesFor(ConfigWho.parse("osd.3")));
        assertEquals(Map.of("osd_recovery_max_active", "2", "mon_osd_down_out_interval", "300"),
                db.valuesFor(ConfigWho.parse("mon.b")));

        ok(set(db, "osd", "osd_recovery_max_active", "4"));
        assertEquals(4, db.version(), "storing the same value again is no change");
        ok(write(db, "config rm", Map.of("who", "osd.3", "name", "osd_recovery_max_active")));
        assertEquals(5, db.version());
        assertEquals("4\n", read(db, "config get", Map.of("who", "osd.3", "key", "osd_recovery_max_active")).plain());
        ok(write(db, "config rm", Map.of("who", "osd.3", "name", "osd_recovery_max_active")));
        assertEquals(5, db.version(), "removing what is not stored is no change");

        CommandResult dump = read(db, "config dump", Map.of());
        assertEquals("""
                WHO     MASK  LEVEL     OPTION                     VALUE  RO
                global        advanced  osd_recovery_max_active    2
                  mon         advanced  mon_osd_down_out_interval  300
                  osd         advanced  osd_recovery_max_active    4
                """, dump.plain());
    }

    @Test
    void refusalsStoreNothing() {
        ConfigDb db = new ConfigDb();
        ok(set(db, "osd", "osd_max_backfills", "2"));
        List<String[]> bad = List.of(
                new String[] {"osd", "osd_recovery_max_active", "-1",
                    "error parsing value: osd_recovery_max_active must be 1..64, not '-1'"},
                new String[] {"osd", "osd_recovery_max_active", "lots",
                    "error parsing value: osd_recovery_max_active must be an integer, not 'lots'"},
                new String[] {"osd", "mon_osd_min_in_ratio", "1.5",
                    "error parsing value: mon_osd_min_in_ratio must be 0..1, not '1.5'"},
                new String[] {"osd", "no_such_option", "1", "unrecognized config option 'no_such_option'"},
                new String[] {"global", "mon_host", "10.0.0.1:6789", "mon_host is special and cannot be stored by the mon"},
                new String[] {"osds", "osd_max_backfills", "3", "unrecognized config target 'osds' (global, mon, osd, "
                    + "mds, client, or one daemon such as osd.3 or mon.a)"},
                new String[] {"osd.x", "osd_max_backfills", "3", "unrecognized config target 'osd.x' (global, mon, osd, "
                    + "mds, client, or one daemon such as osd.3 or mon.a)"},
                new String[] {"osd/host:h1", "osd_max_backfills", "3", "unrecognized config target 'osd/host:h1' "
                    + "(global, mon, osd, mds, client, or one daemon such as osd.3 or mon.a)"});
        for (String[] b : bad) {
            CairnException e = assertThrows(CairnException.class, () -> CommandPreparer.prepare(req("config set",
                    Map.of("who", b[0], "name", b[1], "value", b[2])), MON), String.join(" ", b));
            assertEquals(ErrorCode.EINVAL, e.code());
            assertEquals(b[3], e.getMessage());
            // a monitor applying such an entry anyway (an older proposer) refuses it the same way
            CommandResult applied = ConfigCommands.apply(db, req("config set",
                    Map.of("who", b[0], "name", b[1], "value", b[2])));
            assertEquals(ErrorCode.EINVAL, applied.code());
            assertEquals(b[3], applied.message());
        }
        assertEquals(1, db.version(), "nothing stored");
        assertEquals(1, db.size());
        CommandResult get = read(db, "config get", Map.of("who", "osd.1"));
        assertEquals("""
                WHO  MASK  LEVEL     OPTION             VALUE  RO
                osd        advanced  osd_max_backfills  2
                """, get.plain());
        assertEquals(ErrorCode.EINVAL, read(db, "config get", Map.of("who", "bogus")).code());
        assertEquals("unrecognized entity 'bogus'", read(db, "config get", Map.of("who", "bogus")).message());
        assertEquals(ErrorCode.ENOENT, read(db, "config get", Map.of("who", "osd", "key", "nope")).code());
        assertEquals("configuration option 'nope' not recognized", read(db, "config help", Map.of("key", "nope"))
                .message());
    }

    @Test
    void theDatabaseHasABound() {
        ConfigDb db = new ConfigDb();
        for (int i = 0; i < ConfigDb.ENTRIES_MAX; i++) {
            ok(set(db, "osd." + i, "osd_max_backfills", "2"));
        }
        CommandResult full = set(db, "osd." + ConfigDb.ENTRIES_MAX, "osd_max_backfills", "2");
        assertEquals(ErrorCode.ENOSPC, full.code());
        ok(set(db, "osd.0", "osd_max_backfills", "3"));
        assertEquals(ConfigDb.ENTRIES_MAX, db.size());
    }

    @Test
    void snapshotsCarryTheDatabaseAndItsVersion() throws Exception {
        MonState state = new MonState();
        state.initialize(WriteCommandsTest.fresh());
        ok(set(state.config(), "global", "osd_pool_default_size", "2"));
        ok(set(state.config(), "osd.10", "osd_max_backfills", "4"));
        ok(set(state.config(), "osd.2", "osd_max_backfills", "3"));
        ok(set(state.config(), "client", "rados_osd_op_timeout", "60"));
        ok(write(state.config(), "config rm", Map.of("who", "global", "name", "osd_pool_default_size")));
        MonSnapshotData data = state.snapshot();
        MonState restored = new MonState();
        restored.restore(MonSnapshotData.parseFrom(data.toByteArray()));
        assertEquals(5, restored.config().version());
        assertEquals(state.config().all(), restored.config().all());
        assertEquals(Json.write(read(state.config(), "config dump", Map.of()).json(), false),
                Json.write(read(restored.config(), "config dump", Map.of()).json(), false));
        // Ceph's order: global, then each type and its daemons by name
        assertEquals(List.of("osd.10", "osd.2", "client"),
                restored.config().all().stream().map(e -> e.getWho()).toList());
        ok(set(restored.config(), "osd.2", "osd_max_backfills", "5"));
        assertEquals(6, restored.config().version(), "the version goes on from the snapshot's");
    }

    @Test
    void fetchGivesADaemonItsValuesAndTheVersion() {
        ConfigDb db = new ConfigDb();
        ok(set(db, "osd", "osd_recovery_sleep", "0.1"));
        ok(set(db, "osd.1", "osd_recovery_max_active", "5"));
        CommandResult r = read(db, "config fetch", Map.of("who", "osd.1"));
        assertEquals("{\"version\":2,\"values\":{\"osd_recovery_max_active\":\"5\",\"osd_recovery_sleep\":\"0.1\"}}",
                Json.write(r.json(), false));
    }
}
