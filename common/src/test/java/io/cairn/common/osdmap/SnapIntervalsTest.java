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
    void minusKeepsWhatTheOtherLacks() {
        SnapIntervals s = SnapIntervals.EMPTY.withRange(2, 10);
        assertEquals("[2~2,7~2,11~1]", s.minus(SnapIntervals.EMPTY.withRange(4, 3).with(9).with(10)).toString());
        assertEquals(SnapIntervals.EMPTY, s.minus(s));
    }

    @Test
    void agreesWithASetOfIdsUnderRandomInserts() {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            SnapIntervals s = SnapIntervals.EMPTY;
            SnapIntervals cut = SnapIntervals.EMPTY;
            TreeSet<Long> model = new TreeSet<>();
            TreeSet<Long> cutModel = new TreeSet<>();
            for (int i = 0; i < 40; i++) {
                long start = 1 + r.nextInt(60);
                long len = 1 + r.nextInt(4);
                s = s.withRange(start, len);
                for (long k = start; k < start + len; k++) {
                    model.add(k);
                }
                long c = 1 + r.nextInt(70);
                cut = cut.with(c);
                cutModel.add(c);
            }
            assertEquals(model.stream().toList(), s.ids());
            TreeSet<Long> rest = new TreeSet<>(model);
            rest.removeAll(cutModel);
            assertEquals(rest.stream().toList(), s.minus(cut).ids());
        }
    }
}
