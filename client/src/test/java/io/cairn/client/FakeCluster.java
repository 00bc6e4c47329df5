package io.cairn.client;

import io.cairn.common.Invariants;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushMapBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake monitor and {@code n} fake OSDs on 127.0.0.1, with one pool ({@link #POOL}) whose PGs all
 * have the one acting primary a test pins with pg_temp, so which OSD a client must talk to in each
 * epoch is the test's choice, not CRUSH's. Closing it stops every server it started.
 */
final class FakeCluster implements AutoCloseable {
    static final String POOL = "data";
    static final long POOL_ID = 1;
    static final int PG_NUM = 4;
    private static final int OSDS_MAX = 8;

    private final OpLog log = new OpLog();
    private final List<FakeOsd> osds = new ArrayList<>();
    private final FakeMon mon;

    /** Starts {@code n} OSDs, all up and in, and a monitor whose first map pins the pool to osd.0. */
    FakeCluster(int n) {
        Invariants.check(n >= 1 && n <= OSDS_MAX, "1..%d fake OSDs, not %d", OSDS_MAX, n);
        for (int i = 0; i < n; i++) {
            osds.add(new FakeOsd(i, log));
        }
        mon = new FakeMon(pinned(firstMap(), 0));
    }

    private OsdMap firstMap() {
        CrushMapBuilder crush = CrushMapBuilder.newDefault();
        OsdMap.Builder b = OsdMap.initial("fsid-client-test", 0, crush.build()).toBuilder();
        for (FakeOsd o : osds) {
            int host = crush.addHost("host" + o.id(), crush.idOf("default"));
            crush.addDevice(o.id(), "osd." + o.id(), "hdd").link(o.id(), host, OsdInfo.WEIGHT_IN);
            b.putOsd(new OsdInfo(o.id(), "uuid-" + o.id(), true, true, OsdInfo.WEIGHT_IN, o.address(), 1, 0, 0, 0,
                    "host" + o.id(), false, false));
        }
        return b.crush(crush.build()).putPool(new Pool(POOL_ID, POOL, Pool.TYPE_REPLICATED, 1, 1, PG_NUM, PG_NUM, 0,
                Pool.FLAG_HASHPSPOOL, 0, 1)).build(1);
    }

    /** The map after {@code base} in which every PG of the pool has exactly {@code osd} acting. */
    private static OsdMap pinned(OsdMap base, int osd) {
        OsdMap.Builder b = base.toBuilder();
        for (int seed = 0; seed < PG_NUM; seed++) {
            b.pgTemp(new PgId(POOL_ID, seed), List.of(osd));
        }
        OsdMap next = b.build(base.modifiedMs() + 1);
        Invariants.check(next.mapPg(new PgId(POOL_ID, 0)).actingPrimary() == osd, "pg_temp pins osd.%d", osd);
        return next;
    }

    /** Publishes the next epoch, with the pool's PGs on {@code osd}; returns that map. */
    OsdMap movePoolTo(int osd) {
        OsdMap next = pinned(mon.latest(), osd);
        mon.publish(next);
        return next;
    }

    FakeOsd osd(int i) {
        return osds.get(i);
    }

    FakeMon mon() {
        return mon;
    }

    OpLog log() {
        return log;
    }

    /** A client of this cluster, connected in one step. */
    Rados connect(Duration opTimeout) {
        return Rados.builder().monHost(mon.address()).clientName("client.test").opTimeout(opTimeout).connect();
    }

    @Override
    public void close() {
        try {
            for (FakeOsd o : osds) {
                o.close();
            }
        } finally {
            mon.close();
        }
    }
}
