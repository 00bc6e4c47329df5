package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.cli.TextTable;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ceph's {@code fs status [NAME]} (the mgr status module): per file system its ranks (RANK, STATE,
 * MDS) and pools (POOL, TYPE, USED, AVAIL from the PG stats), then the standbys. Cairn does not
 * track Ceph's per-rank activity columns (requests, dentries, inodes, caps) here.
 */
final class FsStatusView {
    private FsStatusView() {}

    static CommandResult status(OsdMap osd, FsMap fs, String name, PgStatsTable.Summary stats) {
        List<Filesystem> shown = new ArrayList<>();
        for (Filesystem f : fs.filesystems()) {
            if (name.isEmpty() || f.getName().equals(name)) {
                shown.add(f);
            }
        }
        if (!name.isEmpty() && shown.isEmpty()) {
            throw CairnException.notFound("Filesystem not found: '" + name + "'");
        }
        StringBuilder sb = new StringBuilder();
        List<Object> ranksJson = new ArrayList<>();
        List<Object> poolsJson = new ArrayList<>();
        for (Filesystem f : shown) {
            sb.append(f.getName()).append('\n').append("=".repeat(f.getName().length())).append('\n');
            sb.append(ranks(fs, f, ranksJson).render());
            sb.append(pools(osd, f, stats, poolsJson).render());
        }
        TextTable standbys = new TextTable().column("STANDBY MDS", TextTable.Align.LEFT);
        for (MdsDaemonInfo d : fs.standbys()) {
            standbys.row(d.getName());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.getName());
            m.put("state", MdsState.STANDBY.shortName());
            ranksJson.add(m);
        }
        sb.append(standbys.render());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mdsmap", ranksJson);
        json.put("pools", poolsJson);
        return CommandResult.ok(json, sb.toString());
    }

    private static TextTable ranks(FsMap fs, Filesystem f, List<Object> json) {
        TextTable t = new TextTable().column("RANK", TextTable.Align.LEFT).column("STATE", TextTable.Align.LEFT)
                .column("MDS", TextTable.Align.LEFT);
        for (int rank : FsViews.allRanks(f)) {
            Long gid = f.getUpMap().get(rank);
            MdsDaemonInfo d = gid == null ? null : fs.daemon(gid);
            String state = d != null ? MdsState.of(d).shortName()
                    : f.getDamagedList().contains(rank) ? "damaged" : "failed";
            String mds = d == null ? "" : d.getName();
            t.row(Integer.toString(rank), state, mds);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank);
            m.put("name", mds);
            m.put("state", state);
            json.add(m);
        }
        return t;
    }

    private static TextTable pools(OsdMap osd, Filesystem f, PgStatsTable.Summary stats, List<Object> json) {
        TextTable t = new TextTable().column("POOL", TextTable.Align.LEFT).column("TYPE", TextTable.Align.LEFT)
                .column("USED", TextTable.Align.RIGHT).column("AVAIL", TextTable.Align.RIGHT);
        List<long[]> rows = new ArrayList<>();
        rows.add(new long[] {f.getMetadataPool(), 0});
        f.getDataPoolsList().forEach(id -> rows.add(new long[] {id, 1}));
        for (long[] r : rows) {
            Pool p = osd.pool(r[0]);
            long[] st = stats == null ? new long[2] : stats.perPool().getOrDefault(r[0], new long[2]);
            int size = p == null ? 1 : Math.max(1, p.size());
            long used = st[1] * size;
            long avail = stats == null ? 0 : stats.availBytes() / size;
            String type = r[1] == 0 ? "metadata" : "data";
            t.row(FsViews.poolName(osd, r[0]), type, DataViews.bytes(used), DataViews.bytes(avail));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r[0]);
            m.put("name", FsViews.poolName(osd, r[0]));
            m.put("type", type);
            m.put("used", used);
            m.put("avail", avail);
            json.add(m);
        }
        return t;
    }
}
