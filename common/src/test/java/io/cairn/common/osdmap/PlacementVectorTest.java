package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.crush.CrushTextParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Object → PG → OSDs against Ceph's own osdmaptool (16.2.15) on the same CRUSH map and pool:
 * ceph_str_hash_rjenkins, stable_mod with pg_num 384 / pgp_num 192, the hashpspool seed, CRUSH,
 * and an out OSD.
 */
class PlacementVectorTest {
    static String resource(String name) throws IOException {
        try (InputStream in = PlacementVectorTest.class.getResourceAsStream("/placement/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static OsdMap map(int outOsd) throws IOException {
        OsdMap m = OsdMap.initial("00000000-0000-0000-0000-000000000000", 0, CrushTextParser.parse(resource("crushmap.txt")));
        OsdMap.Builder b = m.toBuilder();
        for (int i = 0; i < 6; i++) {
            b.putOsd(new OsdInfo(i, "", true, true, i == outOsd ? 0 : OsdInfo.WEIGHT_IN, "", 1, 0, 0, 0, "", false, false));
        }
        b.putPool(new Pool(1, "rbd", Pool.TYPE_REPLICATED, 3, 2, 384, 192, 0, Pool.FLAG_HASHPSPOOL, 0, 1));
        return b.build(0);
    }

    static List<String[]> rows(String name) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : resource(name).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    @Test
    void objectsMapAsOsdmaptool() throws IOException {
        OsdMap m = map(-1);
        List<String[]> rows = rows("objects.tsv");
        assertEquals(318, rows.size());
        for (String[] r : rows) {
            PgMapping pm = m.mapObject(1, r[0], "");
            assertEquals(r[1], pm.pg().toString(), "pg of '" + r[0] + "'");
            assertEquals(r[2], join(pm.up()), "up set of '" + r[0] + "'");
        }
    }

    @Test
    void everyPgMapsAsOsdmaptool() throws IOException {
        checkPgs(map(-1), rows("pgs.tsv"));
    }

    @Test
    void outOsdGetsNoPgs() throws IOException {
        checkPgs(map(2), rows("pgs-out2.tsv"));
    }

    private static void checkPgs(OsdMap m, List<String[]> rows) {
        assertEquals(384, rows.size());
        for (String[] r : rows) {
            PgMapping pm = m.mapPg(PgId.parse(r[0]));
            assertEquals(r[1], "[" + join(pm.up()) + "]", "up of " + r[0]);
            assertEquals(Integer.parseInt(r[2]), pm.upPrimary(), "primary of " + r[0]);
            assertEquals(pm.up(), pm.acting(), "no pg_temp: acting = up");
        }
    }

    @Test
    void downOsdLeavesUpButStaysInCrush() throws IOException {
        OsdMap m = map(-1);
        OsdMap down = m.toBuilder().putOsd(m.osd(4).withUp(false, 3, 0, "", "")).build(0);
        for (String[] r : rows("pgs.tsv")) {
            PgMapping pm = down.mapPg(PgId.parse(r[0]));
            List<Integer> expected = new ArrayList<>(Arrays.stream(r[1].replaceAll("[\\[\\]]", "").split(","))
                    .map(Integer::valueOf).toList());
            expected.remove(Integer.valueOf(4));
            assertEquals(expected, pm.up(), "down osd.4 drops out of " + r[0] + " without reshuffling");
        }
    }

    @Test
    void pgTempOverridesActingAndUpmapSubstitutes() throws IOException {
        OsdMap m = map(-1);
        PgId pg = PgId.parse("1.0");
        PgMapping before = m.mapPg(pg);
        assertEquals(List.of(2, 0, 4), before.up());
        OsdMap temp = m.toBuilder().pgTemp(pg, List.of(5, 0, 4)).build(0);
        assertEquals(List.of(2, 0, 4), temp.mapPg(pg).up());
        assertEquals(List.of(5, 0, 4), temp.mapPg(pg).acting());
        assertEquals(5, temp.mapPg(pg).actingPrimary());
        OsdMap upmap = m.toBuilder().upmapItems(pg, List.of(new OsdMap.UpmapPair(2, 3))).build(0);
        assertEquals(List.of(3, 0, 4), upmap.mapPg(pg).up());
        OsdMap toPresent = m.toBuilder().upmapItems(pg, List.of(new OsdMap.UpmapPair(2, 0))).build(0);
        assertEquals(List.of(2, 0, 4), toPresent.mapPg(pg).up(), "a target already in the set is ignored");
    }

    private static String join(List<Integer> l) {
        return String.join(",", l.stream().map(String::valueOf).toList());
    }
}
