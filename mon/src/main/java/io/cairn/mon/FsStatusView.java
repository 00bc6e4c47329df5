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
 * Ceph's {@code fs status [NAME]} (the mgr status module): per file system a line with its client
 * count, its ranks (RANK, STATE, MDS, CAPS: the inodes clients hold caps on, as the rank's beacon
 * last said) and pools (POOL, TYPE, USED, AVAIL from the PG stats), then the standbys. Cairn does
 * not track Ceph's other activity columns (requests, dentries, inodes) here.
 */
final class FsStatusView {
    private FsStatusView() {}

    static CommandResult status(OsdMap osd, FsView view, String name, PgStatsTable.Summary stats) {
        FsMap fs = view.map();
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
        List<Object> clientsJson = new ArrayList<>();
        for (Filesystem f : shown) {
            int clients = f.getUpMap().values().stream().mapToInt(gid -> load(view, gid).clients()).sum();
            String title = f.getName() + " - " + clients + " clients";
            sb.append(title).append('\n').append("=".repeat(title.length())).append('\n');
            sb.append(ranks(view, f, ranksJson).render());
            clientsJson.add(Map.of("clients", clients, "fs", f.getName()));
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
        json.put("clients", clientsJson);
        json.put("mdsmap", ranksJson);
        json.put("pools", poolsJson);
        return CommandResult.ok(json, sb.toString());
    }

    private static FsView.Load load(FsView view, long gid) {
        return view.daemonLoad().getOrDefault(gid, new FsView.Load(0, 0));
    }

    private static TextTable ranks(FsView view, Filesystem f, List<Object> json) {
        FsMap fs = view.map();
        TextTable t = new TextTable().column("RANK", TextTable.Align.LEFT).column("STATE", TextTable.Align.LEFT)
                .column("MDS", TextTable.Align.LEFT).column("CAPS", TextTable.Align.RIGHT);
        for (int rank : FsViews.allRanks(f)) {
            Long gid = f.getUpMap().get(rank);
            MdsDaemonInfo d = gid == null ? null : fs.daemon(gid);
            String state = d != null ? MdsState.of(d).shortName()
                    : f.getDamagedList().contains(rank) ? "damaged" : "failed";
            String mds = d == null ? "" : d.getName();
            long caps = gid == null ? 0 : load(view, gid).caps();
            t.row(Integer.toString(rank), state, mds, Long.toString(caps));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank);
            m.put("name", mds);
            m.put("state", state);
            m.put("caps", caps);
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
