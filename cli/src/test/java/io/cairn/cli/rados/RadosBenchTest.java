package io.cairn.cli.rados;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RadosBenchTest {
    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[99 - i] = i + 1;
        }
        assertEquals(50, RadosBench.percentile(v, 50));
        assertEquals(99, RadosBench.percentile(v, 99));
        assertEquals(100, RadosBench.percentile(v, 100));
        assertEquals(7, RadosBench.percentile(new double[] {7}, 99));
        assertEquals(0, RadosBench.percentile(new double[0], 50));
    }
}
