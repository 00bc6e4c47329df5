package io.cairn.crush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The monitors' way of making and changing maps in code. */
class CrushMapBuilderTest {
    private static final int ONE = 0x10000;

    /** default root with hosts h0..h{hosts-1}, each with osdsPerHost OSDs of weight 1.0. */
    private static CrushMapBuilder cluster(int hosts, int osdsPerHost) {
        CrushMapBuilder b = CrushMapBuilder.newDefault();
        int root = b.idOf("default");
        int osd = 0;
        for (int h = 0; h < hosts; h++) {
            int host = b.addHost("h" + h, root);
            for (int i = 0; i < osdsPerHost; i++, osd++) {
                b.addDevice(osd, "osd." + osd, null);
                b.link(osd, host, ONE);
            }
        }
        return b;
    }

    @Test
    void newClusterMapHasDefaultRootAndReplicatedRule() {
        CrushMap map = CrushMapBuilder.newDefault().build();
        assertEquals(-1, map.id("default"));
        assertEquals("root", map.typeName(map.bucket(-1).typeId()));
        assertEquals("replicated_rule", map.rule(0).name());
        assertEquals("jewel", map.tunables().profileName());
        assertEquals(0, map.map(0, 42, 3, map.defaultWeights()).length, "no OSDs, no mapping");
        assertEquals(CrushTextWriter.write(map), CrushTextWriter.write(CrushTextParser.parse(CrushTextWriter.write(map))));
    }

    @Test
    void replicasLandOnDistinctHostsAndWeightsAddUp() {
        CrushMap map = cluster(4, 3).build();
        assertEquals(12 * ONE, map.bucket(-1).weight());
        assertEquals(3 * ONE, map.bucket(map.id("h2")).weight());
        int[] weights = map.defaultWeights();
        for (int x = 0; x < 1000; x++) {
            int[] r = map.map(0, x, 3, weights);
            assertEquals(3, r.length);
            Set<Integer> hosts = new HashSet<>();
            for (int osd : r) {
                hosts.add(osd / 3);
            }
            assertEquals(3, hosts.size(), "x=" + x + " put two replicas on one host");
        }
    }

    @Test
    void reweightCarriesUpToTheRoot() {
        CrushMapBuilder b = cluster(2, 2);
        b.setDeviceWeight(0, 3 * ONE);
        CrushMap map = b.build();
        assertEquals(4 * ONE, map.bucket(map.id("h0")).weight());
        assertEquals(6 * ONE, map.bucket(-1).weight());
    }

    @Test
    void moveHostIntoRackAndRefuseCycles() {
        CrushMapBuilder b = cluster(2, 2);
        int root = b.idOf("default");
        int rack = b.addRack("r1", root);
        b.move(b.idOf("h0"), rack);
        CrushMap map = b.build();
        Bucket r1 = map.bucket(rack);
        assertEquals(1, r1.size());
        assertEquals(map.id("h0"), r1.item(0));
        assertEquals(2 * ONE, r1.weight());
        assertEquals(4 * ONE, map.bucket(root).weight());
        CrushMapException e = assertThrows(CrushMapException.class, () -> b.move(root, rack));
        assertEquals("moving default under r1 would make a cycle", e.getMessage());
    }

    @Test
    void classRuleUsesOnlyThatClass() {
        CrushMapBuilder b = cluster(3, 2);
        for (int osd = 0; osd < 6; osd++) {
            b.setDeviceClass(osd, osd % 2 == 0 ? "ssd" : "hdd");
        }
        int rule = b.addReplicatedRule("fast", "default", "host", "ssd");
        CrushMap map = b.build();
        assertNotEquals(0, rule);
        assertTrue(map.isShadow(map.id("default~ssd")));
        int[] weights = map.defaultWeights();
        for (int x = 0; x < 500; x++) {
            for (int osd : map.map(rule, x, 3, weights)) {
                assertEquals(0, osd % 2, "x=" + x + " mapped to hdd osd." + osd);
            }
        }
        String text = CrushTextWriter.write(map);
        assertTrue(text.contains("step take default class ssd"), text);
        assertEquals(text, CrushTextWriter.write(CrushTextParser.parse(text)));
    }

    @Test
    void ruleWeightsShareByCrushWeight() {
        CrushMapBuilder b = cluster(2, 2);
        b.setDeviceWeight(0, 3 * ONE);
        var shares = b.build().ruleWeights(0);
        assertEquals(4, shares.size());
        assertEquals(0.5, shares.get(0), 1e-9);
        assertEquals(1.0 / 6, shares.get(3), 1e-9);
        assertEquals(1.0, shares.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void badEditsAreRefused() {
        CrushMapBuilder b = cluster(1, 1);
        assertEquals("duplicate name 'h0'", assertThrows(CrushMapException.class, () -> b.addHost("h0", -1)).getMessage());
        assertEquals("unknown type 'shelf'", assertThrows(CrushMapException.class, () -> b.addBucket("s", "shelf")).getMessage());
        assertEquals("unknown bucket 'nowhere'", assertThrows(CrushMapException.class,
                () -> b.addReplicatedRule("x", "nowhere", "host", null)).getMessage());
        assertEquals("bucket h0 is not empty", assertThrows(CrushMapException.class,
                () -> b.removeBucket(b.idOf("h0"))).getMessage());
        b.removeDevice(0);
        assertEquals(0, b.build().bucket(-1).weight());
    }
}
