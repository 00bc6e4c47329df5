package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.OsdMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failure detection as a pure state machine: scripted beacons, reports and ticks. */
class FailureDetectorTest {
    private static final FailureDetector.Settings SETTINGS =
            new FailureDetector.Settings(2, "host", 10_000, 30_000, 40_000, 0.5);

    private static OsdMap cluster() {
        return WriteCommandsTest.cluster();
    }

    @Test
    void oneReporterIsNotEnoughTwoHostsAre() {
        OsdMap m = cluster();
        FailureDetector d = new FailureDetector(0);
        d.step(new FailureDetector.FailureReport(1, 0, 100, 1000));
        assertEquals(List.of(), d.tick(1000, m, SETTINGS));
        d.step(new FailureDetector.FailureReport(1, 0, 100, 1500));
        assertEquals(List.of(), d.tick(1500, m, SETTINGS), "the same reporter twice is still one");
        d.step(new FailureDetector.FailureReport(2, 0, 100, 2000));
        List<FailureDetector.Action> a = d.tick(2000, m, SETTINGS);
        assertEquals(1, a.size());
        assertEquals(List.of(0), ((FailureDetector.MarkDown) a.get(0)).osds());
    }

    @Test
    void reportsAboutAnEarlierIncarnationDoNotCount() {
        OsdMap m = cluster();
        int before = m.epoch();
        // osd.0 restarts at a new address: a new up_from
        m = WriteCommandsTest.ok(WriteCommandsTest.internal(m, "osd boot", Map.of("id", "0", "uuid", "u0",
                "addr", "127.0.0.1:7000", "host", "h0")));
        FailureDetector d = new FailureDetector(0);
        d.step(new FailureDetector.FailureReport(1, 0, before, 1000));
        d.step(new FailureDetector.FailureReport(2, 0, m.epoch(), 1000));
        assertEquals(List.of(), d.tick(1000, m, SETTINGS), "osd.1 reported the old osd.0; only one report is current");
        d.step(new FailureDetector.FailureReport(1, 0, m.epoch(), 1200));
        assertEquals(1, d.tick(1200, m, SETTINGS).size());
    }

    @Test
    void reportsFromOneHostCountOnce() {
        OsdMap m = WriteCommandsTest.ok(WriteCommandsTest.run(cluster(), "osd crush move",
                Map.of("name", "osd.2", "args", "host=h1")));
        FailureDetector d = new FailureDetector(0);
        d.step(new FailureDetector.FailureReport(1, 0, 100, 1000));
        d.step(new FailureDetector.FailureReport(2, 0, 100, 1000));
        assertEquals(List.of(), d.tick(1000, m, SETTINGS), "osd.1 and osd.2 both sit in h1");
    }

    @Test
    void silenceMarksDownCountedFromLeadershipStart() {
        OsdMap m = cluster();
        FailureDetector d = new FailureDetector(100_000);
        for (long t = 100_000; t < 112_000; t += 1000) {
            d.step(new FailureDetector.Beacon(0, t));
            d.step(new FailureDetector.Beacon(1, t));
        }
        assertEquals(List.of(), d.tick(109_000, m, SETTINGS), "a new leader gives everyone the full timeout");
        List<FailureDetector.Action> a = d.tick(111_000, m, SETTINGS);
        assertEquals(List.of(new FailureDetector.MarkDown(List.of(2), "no beacon for 10s")), a);
        assertEquals(List.of(), d.tick(112_000, m, SETTINGS), "not re-proposed at once");
    }

    @Test
    void downOutAfterIntervalUnlessNoout() {
        OsdMap m = WriteCommandsTest.ok(WriteCommandsTest.run(cluster(), "osd down", Map.of("ids", "1")));
        long downAt = m.osd(1).downStampMs();
        FailureDetector d = new FailureDetector(0);
        beaconAll(d, downAt + 29_000);
        assertTrue(d.tick(downAt + 29_000, m, SETTINGS).isEmpty());
        beaconAll(d, downAt + 30_000);
        assertEquals(List.of(new FailureDetector.MarkOut(List.of(1), 0.5)), d.tick(downAt + 30_000, m, SETTINGS));
        OsdMap noout = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd set", Map.of("key", "noout")));
        FailureDetector d2 = new FailureDetector(0);
        beaconAll(d2, downAt + 60_000);
        assertTrue(d2.tick(downAt + 60_000, noout, SETTINGS).isEmpty());
    }

    private static void beaconAll(FailureDetector d, long t) {
        for (int i = 0; i < 3; i++) {
            d.step(new FailureDetector.Beacon(i, t));
        }
    }
}
