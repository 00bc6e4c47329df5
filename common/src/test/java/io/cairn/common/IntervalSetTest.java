package io.cairn.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Byte range sets against a model of one flag per byte. */
class IntervalSetTest {
    private static final int SPAN = 200;

    private static boolean[] model(IntervalSet r) {
        boolean[] m = new boolean[SPAN + 64];
        r.runs().forEach((o, l) -> {
            for (long i = o; i < o + l; i++) {
                m[(int) i] = true;
            }
        });
        return m;
    }

    private static IntervalSet random(Random rnd) {
        IntervalSet r = IntervalSet.EMPTY;
        for (int i = rnd.nextInt(6); i > 0; i--) {
            r = r.with(rnd.nextInt(SPAN), rnd.nextInt(40));
        }
        return r;
    }

    @Test
    void unionMinusAndIntersectMatchTheModel() {
        Random rnd = new Random(7);
        for (int round = 0; round < 2000; round++) {
            IntervalSet a = random(rnd);
            IntervalSet b = random(rnd);
            boolean[] ma = model(a);
            boolean[] mb = model(b);
            boolean[] union = model(a.union(b));
            boolean[] minus = model(a.minus(b));
            boolean[] both = model(a.intersect(b));
            long count = 0;
            for (int i = 0; i < ma.length; i++) {
                assertEquals(ma[i] || mb[i], union[i], "union at " + i + " of " + a + " " + b);
                assertEquals(ma[i] && !mb[i], minus[i], "minus at " + i + " of " + a + " " + b);
                assertEquals(ma[i] && mb[i], both[i], "intersect at " + i + " of " + a + " " + b);
                count += ma[i] ? 1 : 0;
            }
            assertEquals(count, a.size());
            // canonical: no two runs touch
            long end = -1;
            for (Map.Entry<Long, Long> e : a.runs().entrySet()) {
                assertEquals(true, e.getKey() > end && e.getValue() > 0, "runs of " + a);
                end = e.getKey() + e.getValue();
            }
        }
    }

    @Test
    void printsAsCephPrintsAnIntervalSet() {
        assertEquals("[0~128,256~128]", IntervalSet.of(0, 384).minus(IntervalSet.of(128, 128)).toString());
        assertEquals("[]", IntervalSet.EMPTY.toString());
    }
}
