package io.cairn.osd.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scripted heartbeat histories: silence past the grace reports, an answer cancels. */
class HeartbeatTrackerTest {
    @Test
    void silencePastGraceIsReportedAndAnAnswerCancels() {
        HeartbeatTracker t = new HeartbeatTracker(20_000);
        Set<Integer> peers = Set.of(1, 2);
        assertEquals(List.of(), t.tick(0, peers), "new peers get the full grace");
        t.heard(1, 6_000);
        t.heard(2, 6_000);
        t.heard(1, 12_000);
        assertEquals(List.of(), t.tick(25_000, peers));
        assertEquals(List.of(new HeartbeatTracker.Report(2, 21_000)), t.tick(27_000, peers).stream()
                .filter(a -> a instanceof HeartbeatTracker.Report r && r.peer() == 2).toList());
        t.heard(2, 28_000);
        t.heard(1, 28_000);
        assertEquals(List.of(new HeartbeatTracker.Cancel(2)), t.tick(29_000, peers));
        assertEquals(List.of(), t.tick(30_000, peers), "cancelled once");
    }

    @Test
    void peersThatLeaveAreForgotten() {
        HeartbeatTracker t = new HeartbeatTracker(1_000);
        t.tick(0, Set.of(1));
        assertEquals(List.of(new HeartbeatTracker.Report(1, 5_000)), t.tick(5_000, Set.of(1)));
        assertEquals(List.of(), t.tick(6_000, Set.of()), "no longer a peer: no report, no cancel");
        assertEquals(List.of(), t.tick(6_500, Set.of(1)), "back as a peer: a fresh grace");
    }
}
