package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster log and health mutes: what the monitors replicate beside the maps. */
class NoteCommandsTest {
    private static CommandRequest cmd(String prefix, Map<String, String> args) {
        return CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).setEntity("osd.2").build();
    }

    @Test
    void logLastReturnsTheNewestLinesOldestFirst() {
        ClusterLog log = new ClusterLog();
        HealthMutes mutes = new HealthMutes();
        for (int i = 1; i <= 5; i++) {
            NoteCommands.apply(log, mutes, cmd("log", Map.of("logtext", "line " + i, "level", i == 5 ? "err" : "INF")),
                    1_000L * i);
        }
        CommandResult r = NoteCommands.last(log, cmd("log last", Map.of("num", "2")));
        assertEquals("1970-01-01T00:00:04Z osd.2 4 : cluster [INF] line 4\n"
                + "1970-01-01T00:00:05Z osd.2 5 : cluster [ERR] line 5\n", r.plain());
        // a follower (cairn -w) asks only for what it has not seen
        assertEquals(List.of(), NoteCommands.last(log, cmd("log last", Map.of("after", "5"))).json());
        CommandResult bad = NoteCommands.apply(log, mutes, cmd("log", Map.of("logtext", "x", "level", "LOUD")), 0);
        assertEquals(io.cairn.common.ErrorCode.EINVAL, bad.code());
        assertEquals(5, log.all().size(), "a refused line is not logged");
    }

    @Test
    void aMuteEndsAtItsTtlOrWhenUnmuted() {
        HealthMutes mutes = new HealthMutes();
        ClusterLog log = new ClusterLog();
        NoteCommands.apply(log, mutes, cmd("health mute", Map.of("code", "OSD_DOWN", "ttl", "10m")), 0);
        NoteCommands.apply(log, mutes, cmd("health mute", Map.of("code", "PG_DEGRADED", "sticky", "true")), 0);
        assertEquals(List.of("OSD_DOWN", "PG_DEGRADED"), mutes.active(599_999).stream().map(m -> m.getCode()).toList());
        assertEquals(List.of("PG_DEGRADED"), mutes.active(600_000).stream().map(m -> m.getCode()).toList());
        NoteCommands.apply(log, mutes, cmd("health unmute", Map.of("code", "PG_DEGRADED")), 0);
        assertEquals(List.of("OSD_DOWN"), mutes.active(0).stream().map(m -> m.getCode()).toList());
        CommandResult bad = NoteCommands.apply(log, mutes, cmd("health mute", Map.of("code", "X", "ttl", "soon")), 0);
        assertEquals(io.cairn.common.ErrorCode.EINVAL, bad.code());
        assertTrue(bad.message().contains("bad TTL 'soon'"), bad.message());
    }

    @Test
    void aMutedCheckDoesNotSetTheStatus() {
        HealthChecks.Check down = new HealthChecks.Check("OSD_DOWN", HealthChecks.Severity.HEALTH_WARN, "1 osds down",
                List.of("osd.1 is down"));
        var mute = io.cairn.proto.v1.HealthMute.newBuilder().setCode("OSD_DOWN").build();
        HealthChecks.Health h = HealthChecks.judge(List.of(down), List.of(mute));
        assertEquals("HEALTH_OK (muted: OSD_DOWN)\n", HealthChecks.text(h, false));
        assertTrue(HealthChecks.text(h, true).contains("[WRN] OSD_DOWN: 1 osds down (MUTED)\n    osd.1 is down\n"));
        assertEquals("HEALTH_WARN 1 osds down\n", HealthChecks.text(HealthChecks.unmuted(List.of(down)), false));
    }

    @Test
    void mapChangesAndHealthChangesAreLogged() {
        OsdMap before = WriteCommandsTest.cluster();
        OsdMap down = WriteCommandsTest.ok(WriteCommandsTest.run(before, "osd down", Map.of("ids", "1")));
        OsdMap out = WriteCommandsTest.ok(WriteCommandsTest.run(down, "osd out", Map.of("ids", "1")));
        assertEquals(List.of("WRN osd.1 marked down (osd down)"), lines(NoteCommands.mapEvents(before, down,
                cmd("osd down", Map.of()))));
        assertEquals(List.of("WRN osd.1 marked out (osd_scrub_auto_out_on_errors)"), lines(NoteCommands.mapEvents(down,
                out, cmd("osd auto-out", Map.of("reason", "osd_scrub_auto_out_on_errors")))));

        HealthLog health = new HealthLog();
        HealthChecks.Check osdDown = new HealthChecks.Check("OSD_DOWN", HealthChecks.Severity.HEALTH_WARN,
                "1 osds down", List.of());
        assertEquals(List.of(), lines(health.update(List.of(osdDown))), "a new leader only takes a baseline");
        HealthChecks.Check errors = new HealthChecks.Check("OSD_SCRUB_ERRORS", HealthChecks.Severity.HEALTH_ERR,
                "2 scrub errors", List.of());
        assertEquals(List.of("ERR Health check failed: 2 scrub errors (OSD_SCRUB_ERRORS)",
                "INF Health check cleared: OSD_DOWN (was: 1 osds down)"), lines(health.update(List.of(errors))));
        assertEquals(List.of("INF Health check cleared: OSD_SCRUB_ERRORS (was: 2 scrub errors)",
                "INF Cluster is now healthy"), lines(health.update(List.of())));
    }

    private static List<String> lines(List<String[]> l) {
        return l.stream().map(a -> a[0] + " " + a[1]).toList();
    }
}
