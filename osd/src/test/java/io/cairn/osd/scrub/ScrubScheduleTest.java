package io.cairn.osd.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.common.osdmap.PgId;
import io.cairn.osd.scrub.ScrubSchedule.Candidate;
import io.cairn.osd.scrub.ScrubSchedule.Decision;
import io.cairn.osd.scrub.ScrubSchedule.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScrubScheduleTest {
    private static final long DAY = 86_400_000L;
    private static final ScrubSchedule.Options OPTS = new ScrubSchedule.Options(DAY, 7 * DAY, 7 * DAY, 0.5);
    private static final long NOW = 100 * DAY;

    private static Candidate pg(int seed, long scrubAgo, long deepAgo) {
        return new Candidate(new PgId(1, seed), NOW - scrubAgo, NOW - deepAgo, Optional.empty());
    }

    @Test
    void nothingIsDueBeforeTheMinInterval() {
        assertEquals(Optional.empty(), ScrubSchedule.next(List.of(pg(0, DAY / 2, DAY / 2)), NOW, OPTS, 0.0, false, false));
    }

    @Test
    void aShallowScrubWaitsForLowLoadUntilTheMaxInterval() {
        var pgs = List.of(pg(0, 2 * DAY, 3 * DAY));
        assertEquals(Optional.of(new Decision(new PgId(1, 0), Kind.SHALLOW, false)),
                ScrubSchedule.next(pgs, NOW, OPTS, 0.1, false, false));
        assertEquals(Optional.empty(), ScrubSchedule.next(pgs, NOW, OPTS, 0.9, false, false));
        var overdue = List.of(pg(0, 8 * DAY, 3 * DAY));
        assertEquals(Kind.SHALLOW, ScrubSchedule.next(overdue, NOW, OPTS, 0.9, false, false).orElseThrow().kind());
    }

    @Test
    void deepScrubsComeFirstAndTheMostOverdueLeads() {
        var pgs = List.of(pg(0, 8 * DAY, 8 * DAY), pg(1, 9 * DAY, 10 * DAY), pg(2, 20 * DAY, 3 * DAY));
        assertEquals(new Decision(new PgId(1, 1), Kind.DEEP, false),
                ScrubSchedule.next(pgs, NOW, OPTS, 0.0, false, false).orElseThrow());
        // with nodeep-scrub the shallow scrub of the longest-unscrubbed PG goes instead
        assertEquals(new Decision(new PgId(1, 2), Kind.SHALLOW, false),
                ScrubSchedule.next(pgs, NOW, OPTS, 0.0, false, true).orElseThrow());
        // noscrub stops shallow scrubs only
        assertEquals(Kind.DEEP, ScrubSchedule.next(pgs, NOW, OPTS, 0.0, true, false).orElseThrow().kind());
        assertEquals(Optional.empty(), ScrubSchedule.next(pgs, NOW, OPTS, 0.0, true, true));
    }

    @Test
    void anOperatorRequestGoesFirstWhateverTheFlags() {
        var asked = new Candidate(new PgId(1, 5), NOW, NOW, Optional.of(Kind.REPAIR));
        var shallow = new Candidate(new PgId(1, 6), NOW, NOW, Optional.of(Kind.SHALLOW));
        assertEquals(new Decision(new PgId(1, 5), Kind.REPAIR, true),
                ScrubSchedule.next(List.of(pg(0, 30 * DAY, 30 * DAY), shallow, asked), NOW, OPTS, 9.0, true, true)
                        .orElseThrow());
    }
}
