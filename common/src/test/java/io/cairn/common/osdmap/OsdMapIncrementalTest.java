package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.proto.v1.OsdMapData;
import io.cairn.proto.v1.OsdMapIncrementalData;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Incremental N+1 applied to map N gives map N+1; both survive their protobuf encoding. */
class OsdMapIncrementalTest {
    private static final long SEED = 7L;

    @Test
    void randomChangesRoundTrip() {
        SplittableRandom r = new SplittableRandom(SEED);
        OsdMap map = OsdMap.initial("fsid-1", 1000, CrushMapBuilder.newDefault().build());
        boolean sawBlocklist = false;
        for (int step = 0; step < 300; step++) {
            OsdMap.Builder b = map.toBuilder();
            switch (r.nextInt(9)) {
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
                // a few addresses, so adds re-time entries as well as create them
                case 6 -> b.blocklistAdd(r.nextBoolean() ? "10.0.0." + r.nextInt(3) + ":0/0"
                        : "10.0.0." + r.nextInt(3) + ":0/" + (1 + r.nextInt(3)), 5000 + r.nextInt(1000));
                case 7 -> {
                    if (!map.blocklist().isEmpty()) {
                        b.blocklistRemove(map.blocklist().keySet().stream().toList().get(r.nextInt(map.blocklist().size())));
                    }
                }
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
            sawBlocklist |= !next.blocklist().isEmpty();
            map = next;
        }
        assertEquals(301, map.epoch());
        assertTrue(sawBlocklist, "some epoch had blocklist entries");
    }

    @Test
    void blocklistChangesTravelAsAddedAndRemovedEntries() {
        OsdMap map = OsdMap.initial("fsid-1", 0, CrushMapBuilder.newDefault().build());
        OsdMap e2 = map.toBuilder().blocklistAdd("10.0.0.1:0/7", 100).blocklistAdd("10.0.0.2:0/0", 200).build(1);
        OsdMap e3 = e2.toBuilder().blocklistRemove("10.0.0.1:0/7").blocklistAdd("10.0.0.2:0/0", 300)
                .blocklistAdd("[::1]:0/9", 400).build(2);
        OsdMapIncremental inc = OsdMapCodec.decode(OsdMapCodec.encode(OsdMapIncremental.between(e2, e3)));
        // an unchanged entry is not repeated; a re-timed one is
        assertEquals(new TreeMap<>(Map.of("10.0.0.2:0/0", 300L, "[::1]:0/9", 400L)), inc.newBlocklist());
        assertEquals(List.of("10.0.0.1:0/7"), inc.oldBlocklist());
        assertEquals(e3, e2.apply(inc));
        assertEquals(e3.blocklist(), OsdMapCodec.decode(OsdMapCodec.encode(e3)).blocklist());
        OsdMap e4 = e3.toBuilder().setFlag(ClusterFlag.NOOUT, true).build(3);
        OsdMapIncremental unrelated = OsdMapIncremental.between(e3, e4);
        assertTrue(unrelated.newBlocklist().isEmpty() && unrelated.oldBlocklist().isEmpty());
        assertEquals(e4.blocklist(), e3.apply(unrelated).blocklist(), "entries carry over untouched");
    }

    /** Maps and incrementals from before the blocklist (and those without entries) keep their bytes. */
    @Test
    void noBlocklistLeavesNoTraceOnTheWire() throws IOException {
        OsdMap map = OsdMap.initial("fsid-1", 0, CrushMapBuilder.newDefault().build());
        OsdMap e2 = map.toBuilder().putOsd(OsdInfo.created(0, "u0")).setFlag(ClusterFlag.NOOUT, true).build(1);
        assertFalse(hasField(OsdMapCodec.encode(e2).toByteArray(), OsdMapData.BLOCKLIST_FIELD_NUMBER));
        byte[] inc = OsdMapCodec.encode(OsdMapIncremental.between(map, e2)).toByteArray();
        assertFalse(hasField(inc, OsdMapIncrementalData.NEW_BLOCKLIST_FIELD_NUMBER));
        assertFalse(hasField(inc, OsdMapIncrementalData.OLD_BLOCKLIST_FIELD_NUMBER));
        OsdMap e3 = e2.toBuilder().blocklistAdd("10.0.0.1:0/7", 100).build(2);
        assertTrue(hasField(OsdMapCodec.encode(e3).toByteArray(), OsdMapData.BLOCKLIST_FIELD_NUMBER), "the probe works");
    }

    /** Whether a top-level field with this number is in the encoded message. */
    private static boolean hasField(byte[] encoded, int number) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(encoded);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == number) {
                return true;
            }
            in.skipField(tag);
        }
        return false;
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
