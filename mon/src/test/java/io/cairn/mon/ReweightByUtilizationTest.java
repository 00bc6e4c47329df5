package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.OsdStatsRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** reweight-by-utilization: the plan, the dry run, and the one reweightn that applies it. */
class ReweightByUtilizationTest {
    /** osd.0 80% full, osd.1 40%, osd.2 10%: mean 43.3%. */
    private static PgStatsTable.Summary uneven(OsdMap map) {
        PgStatsTable table = new PgStatsTable();
        int[] percent = {80, 40, 10};
        for (int osd = 0; osd < 3; osd++) {
            table.report(OsdStatsRequest.newBuilder().setOsdId(osd).setTotalBytes(100L << 30)
                    .setUsedBytes((long) percent[osd] << 30).build());
        }
        return table.summarize(map);
    }

    private static CommandResult dryRun(OsdMap map, Map<String, String> args) {
        return ReadCommands.run(map, CommandRequest.newBuilder().setPrefix("osd test-reweight-by-utilization")
                .putAllArgs(args).build(), null, uneven(map), List.of());
    }

    @Test
    void theFullestOsdGoesDownAndTheEmptiestUpByAtMostMaxChange() {
        OsdMap map = WriteCommandsTest.cluster();
        CommandResult r = dryRun(map, Map.of());
        assertEquals(ErrorCode.OK, r.code(), r.message());
        assertEquals("average_utilization 0.4333\noverload_utilization 0.5200\n"
                + "osd.0 weight 1.0000 -> 0.9500 (utilization 0.8000)\n", r.plain(),
                "osd.2 is already at 1: it cannot go up");
        assertEquals("0:0.95", ((Map<?, ?>) r.json()).get("weights"));
        // larger steps, after osd.2 was reweighted down earlier
        OsdMap lowered = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd reweight", Map.of("id", "2", "weight", "0.5")));
        r = dryRun(lowered, Map.of("max_change", "0.5", "oload", "110"));
        assertEquals("average_utilization 0.4333\noverload_utilization 0.4767\n"
                + "osd.0 weight 1.0000 -> 0.5417 (utilization 0.8000)\n"
                + "osd.2 weight 0.5000 -> 1.0000 (utilization 0.1000)\n", r.plain());
        assertEquals("osd.0 weight 1.0000 -> 0.5417 (utilization 0.8000)\n", dryRun(lowered,
                Map.of("max_change", "0.5", "oload", "110", "no_increasing", "true")).plain().split("\n", 3)[2]);
        assertEquals("osd.0 weight 1.0000 -> 0.5417 (utilization 0.8000)\n", dryRun(lowered,
                Map.of("max_change", "0.5", "oload", "110", "max_osds", "1")).plain().split("\n", 3)[2]);
    }

    @Test
    void theWeightsApplyInOneEpochAndBadArgumentsAreRefused() {
        OsdMap map = WriteCommandsTest.cluster();
        OsdMap after = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd reweightn", Map.of("weights", "0:0.95,2:0.5")));
        assertEquals(map.epoch() + 1, after.epoch());
        assertEquals((int) (0.95 * 0x10000), after.osd(0).weight());
        assertEquals(0x8000, after.osd(2).weight());
        assertEquals(ErrorCode.EINVAL, WriteCommandsTest.run(map, "osd reweightn", Map.of("weights", "0:1.5")).code());
        assertEquals(ErrorCode.EINVAL, dryRun(map, Map.of("oload", "90")).code());
    }
}
