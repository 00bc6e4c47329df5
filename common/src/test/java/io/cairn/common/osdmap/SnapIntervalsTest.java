package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SnapIntervalsTest {
    @Test
    void adjacentAndOverlappingRunsMergeAndPrintAsCephDoes() {
        SnapIntervals s = SnapIntervals.EMPTY.with(5).with(3).with(4).withRange(9, 2).with(11);
        assertEquals("[3~3,9~3]", s.toString());
        assertTrue(s.contains(4) && s.contains(11));
        assertFalse(s.contains(6) || s.contains(2) || s.contains(12));
        assertEquals(6, s.size());
        assertEquals("[3~9]", s.withRange(6, 3).toString());
        assertEquals(s, SnapIntervals.of(Map.of(9L, 3L, 3L, 3L)));
        assertThrows(IllegalArgumentException.class, () -> s.with(0));
    }

    @Test
    void agreesWithASetOfIdsUnderRandomInserts() {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            SnapIntervals s = SnapIntervals.EMPTY;
            TreeSet<Long> model = new TreeSet<>();
            for (int i = 0; i < 40; i++) {
                long start = 1 + r.nextInt(60);
                long len = 1 + r.nextInt(4);
                s = s.withRange(start, len);
                for (long k = start; k < start + len; k++) {
                    model.add(k);
                }
            }
            for (long id = 1; id <= 70; id++) {
                assertEquals(model.contains(id), s.contains(id), "id " + id + " in " + s);
            }
            assertEquals(model.size(), s.size());
            // runs stay disjoint and never touch: the printed form is canonical
            long lastEnd = -1;
            for (Map.Entry<Long, Long> run : s.runs().entrySet()) {
                assertTrue(run.getKey() > lastEnd, s.toString());
                lastEnd = run.getKey() + run.getValue();
            }
        }
    }
}
