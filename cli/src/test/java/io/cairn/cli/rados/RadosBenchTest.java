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
        double[] k = new double[2000];
        for (int i = 0; i < k.length; i++) {
            k[i] = i + 1;
        }
        assertEquals(1998, RadosBench.percentile(k, 99.9), "p999 of 2000 is the 1998th");
        assertEquals(0, RadosBench.percentile(new double[0], 50));
    }
}
