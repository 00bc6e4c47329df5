package io.cairn.crush;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CRUSH under heavy failure, many threads, and in steady state: bounded, shared, allocation-free. */
class MappingBoundsTest {
    private static final long SEED = 20261126L;

    @Test
    void ninetyPercentOutMapsOnlyToInDevicesWithBoundedWork() {
        CrushMap map = CrushTextParser.parse(CrushVectors.mapText("big-10r10h12o"));
        int[] weights = map.defaultWeights();
        assertEquals(1200, weights.length);
        SplittableRandom random = new SplittableRandom(SEED);
        List<Integer> devices = new ArrayList<>();
        for (int d = 0; d < weights.length; d++) {
            devices.add(d);
        }
        for (int i = 0; i < 1080; i++) {
            int pick = i + random.nextInt(devices.size() - i);
            int dev = devices.get(pick);
            devices.set(pick, devices.get(i));
            devices.set(i, dev);
            weights[dev] = 0;
        }
        Tunables t = map.tunables();
        int numRep = 3;
        int depth = 3; // root -> rack -> host -> osd
        // chooseleaf firstn: each replica gets at most choose_total_tries+1 descents; each descent
        // walks the depth once and, with descend_once, one inner descent of the same depth
        long bound = (long) numRep * (t.chooseTotalTries() + 1) * depth * 2;
        int[] result = new int[numRep];
        long maxWork = 0;
        long shortResults = 0;
        for (int x = 0; x <= 4095; x++) {
            long before = map.workCount();
            int n = map.map(0, x, numRep, weights, result);
            long work = map.workCount() - before;
            maxWork = Math.max(maxWork, work);
            assertTrue(work <= bound, "x=" + x + " took " + work + " bucket choices, bound " + bound);
            for (int i = 0; i < n; i++) {
                assertTrue(weights[result[i]] > 0, "x=" + x + " mapped to out device " + result[i]);
            }
            if (n < numRep) {
                shortResults++;
            }
        }
        assertTrue(maxWork > depth, "work was counted");
        assertTrue(shortResults < 4096 / 10, "most inputs still find 3 in devices: short=" + shortResults);
    }

    @Test
    void manyThreadsShareOneMap() throws Exception {
        CrushMap map = CrushTextParser.parse(CrushVectors.mapText("racks-4r"));
        int[] weights = map.defaultWeights();
        int[][] expected = new int[2000][];
        for (int x = 0; x < expected.length; x++) {
            expected[x] = map.map(0, x, 3, weights);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    int[] out = new int[3];
                    for (int round = 0; round < 5; round++) {
                        for (int x = 0; x < expected.length; x++) {
                            int n = map.map(0, x, 3, weights, out);
                            assertArrayEquals(expected[x], java.util.Arrays.copyOf(out, n), "x=" + x);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void steadyStateMappingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CrushMap map = CrushTextParser.parse(CrushVectors.mapText("ec-8h3o"));
        int[] weights = map.defaultWeights();
        int[] out = new int[6];
        for (int x = 0; x < 20_000; x++) {
            map.map(0, x, 6, weights, out);
            map.map(1, x, 6, weights, out);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int x = 0; x < 10_000; x++) {
            map.map(0, x, 6, weights, out);
            map.map(1, x, 6, weights, out);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        // a few hundred bytes of slack for the measuring itself; one boxed int per call would be 320 KB
        assertTrue(allocated < 4096, "20000 mappings allocated " + allocated + " bytes");
    }

    @Test
    void treeBucketWhoseItemsAllWeighZeroYieldsNoDevice() {
        // straw2 picks its first item when all weigh zero, and a tree whose items all weigh zero
        // then walks right past its last item (Ceph's C reads past its array there)
        CrushMapBuilder b = new CrushMapBuilder();
        for (int i = 0; i < CrushMapBuilder.DEFAULT_TYPES.size(); i++) {
            b.addType(i, CrushMapBuilder.DEFAULT_TYPES.get(i));
        }
        int root = b.addBucket(-1, "default", "root", BucketAlgorithm.STRAW2, 0);
        int host = b.addBucket(b.nextBucketId(), "host0", "host", BucketAlgorithm.TREE, 0);
        for (int osd = 0; osd < 3; osd++) {
            b.addDevice(osd, "osd." + osd, null);
            b.addItem(host, osd, 0);
        }
        b.addItem(root, host, 0);
        b.addRule(0, "osds", Rule.TYPE_REPLICATED, 1, 10, List.of(RuleStep.take(root),
                new RuleStep(RuleOp.CHOOSE_FIRSTN, 0, 0), RuleStep.emit()));
        CrushMap map = b.build();
        int[] result = new int[3];
        for (int x = 0; x < 1000; x++) {
            assertEquals(0, map.map(0, x, 3, map.defaultWeights(), result), "x=" + x);
        }
    }
}
