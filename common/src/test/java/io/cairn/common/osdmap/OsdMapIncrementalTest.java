package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.crush.CrushMapBuilder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Incremental N+1 applied to map N gives map N+1; both survive their protobuf encoding. */
class OsdMapIncrementalTest {
    private static final long SEED = 7L;

    @Test
    void randomChangesRoundTrip() {
        SplittableRandom r = new SplittableRandom(SEED);
        OsdMap map = OsdMap.initial("fsid-1", 1000, CrushMapBuilder.newDefault().build());
        for (int step = 0; step < 300; step++) {
            OsdMap.Builder b = map.toBuilder();
            switch (r.nextInt(7)) {
                case 0 -> b.putOsd(OsdInfo.created(r.nextInt(20), "uuid-" + r.nextInt(100)));
                case 1 -> {
                    if (!map.osds().isEmpty()) {
                        OsdInfo o = map.osds().values().stream().toList().get(r.nextInt(map.osds().size()));
                        b.putOsd(o.withUp(!o.up(), map.epoch() + 1, step, "127.0.0.1:" + (7000 + o.id()), "h" + o.id() % 3)
                                .withWeight(r.nextBoolean() ? OsdInfo.WEIGHT_IN : 0));
                    }
                }
                case 2 -> b.putPool(new Pool(1 + r.nextInt(5), "p" + r.nextInt(5), Pool.TYPE_REPLICATED, 3, 2,
                        8 << r.nextInt(3), 8, 0, Pool.FLAG_HASHPSPOOL, 0, map.epoch()));
                case 3 -> {
                    if (!map.pools().isEmpty()) {
                        b.removePool(map.pools().firstKey());
                    }
                }
                case 4 -> b.setFlag(ClusterFlag.values()[r.nextInt(ClusterFlag.values().length)], r.nextBoolean());
                case 5 -> b.pgTemp(new PgId(1, r.nextInt(8)), r.nextBoolean() ? List.of(1, 2) : List.of());
                default -> {
                    CrushMapBuilder cb = map.crush().toBuilder();
                    cb.addHost("host" + step, cb.idOf("default"));
                    b.crush(cb.build());
                }
            }
            OsdMap next = b.build(1000 + step);
            OsdMapIncremental inc = OsdMapIncremental.between(map, next);
            assertEquals(next, map.apply(inc), "apply(between) at step " + step);
            assertEquals(next, map.apply(OsdMapCodec.decode(OsdMapCodec.encode(inc))), "encoded incremental");
            assertEquals(next, OsdMapCodec.decode(OsdMapCodec.encode(next)), "encoded full map");
            map = next;
        }
        assertEquals(301, map.epoch());
    }

    @Test
    void incrementalMustFollowTheEpoch() {
        OsdMap map = OsdMap.initial("fsid-1", 0, CrushMapBuilder.newDefault().build());
        OsdMap e2 = map.toBuilder().setFlag(ClusterFlag.NOOUT, true).build(1);
        OsdMap e3 = e2.toBuilder().setFlag(ClusterFlag.NOUP, true).build(2);
        OsdMapIncremental inc3 = OsdMapIncremental.between(e2, e3);
        assertThrows(IllegalArgumentException.class, () -> map.apply(inc3));
    }
}
