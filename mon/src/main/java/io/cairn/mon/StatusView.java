package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ceph status}: cluster id and health, services, data. */
final class StatusView {
    private StatusView() {}

    static CommandResult status(OsdMap map, QuorumView q, PgStatsTable.Summary stats,
                                List<io.cairn.proto.v1.HealthMute> mutes) {
        return status(map, FsView.NONE, q, stats, mutes);
    }

    static CommandResult status(OsdMap map, FsView fs, QuorumView q, PgStatsTable.Summary stats,
                                List<io.cairn.proto.v1.HealthMute> mutes) {
        HealthChecks.Health health = HealthChecks.judge(HealthChecks.compute(map, q, stats, fs), mutes);
        int pgs = map.pools().values().stream().mapToInt(Pool::pgNum).sum();
        StringBuilder sb = new StringBuilder();
        sb.append("  cluster:\n");
        sb.append("    id:     ").append(map.fsid()).append('\n');
        sb.append("    health: ").append(HealthChecks.overall(health).name()).append('\n');
        for (HealthChecks.Check c : health.checks()) {
            sb.append("            ").append(c.summary()).append(health.muted(c) ? " (muted)" : "").append('\n');
        }
        sb.append('\n').append("  services:\n");
        sb.append("    mon: ").append(q.monMap().members().size()).append(" daemons, quorum ")
                .append(String.join(",", q.quorum()));
        if (!q.outOfQuorum().isEmpty()) {
            sb.append(", out of quorum: ").append(String.join(",", q.outOfQuorum()));
        }
        sb.append('\n');
        String mds = FsViews.servicesLine(fs.map());
        if (mds != null) {
            sb.append("    mds: ").append(mds).append('\n');
        }
        sb.append("    osd: ").append(map.numOsds()).append(" osds: ").append(map.numUpOsds()).append(" up, ")
                .append(map.numInOsds()).append(" in").append('\n');
        sb.append('\n').append("  data:\n");
        String volumes = FsViews.volumesLine(fs.map());
        if (volumes != null) {
            sb.append("    volumes: ").append(volumes).append('\n');
        }
        sb.append("    pools:   ").append(map.pools().size()).append(" pools, ").append(pgs).append(" pgs\n");
        sb.append("    objects: ").append(stats.objects()).append(" objects, ").append(DataViews.bytes(stats.storedBytes()))
                .append('\n');
        sb.append("    usage:   ").append(DataViews.bytes(stats.usedBytes())).append(" used, ")
                .append(DataViews.bytes(stats.availBytes())).append(" / ").append(DataViews.bytes(stats.totalBytes()))
                .append(" avail\n");
        if (pgs > 0) {
            sb.append("    pgs:     ");
            String pad = "";
            PgStatsTable.Recovery rec = stats.recovery();
            for (String line : new String[] {rec.degradedObjects() > 0 ? DataViews.degradedLine(rec) : null,
                    rec.misplacedObjects() > 0 ? DataViews.misplacedLine(rec) : null}) {
                if (line != null) {
                    sb.append(pad).append(line).append('\n');
                    pad = "             ";
                }
            }
            for (Map.Entry<String, Integer> e : stats.pgStates().entrySet()) {
                sb.append(pad).append(e.getValue()).append(' ').append(e.getKey()).append('\n');
                pad = "             ";
            }
        }
        PgStatsTable.ClientIo io = stats.clientIo();
        if (io.any() || stats.recovery().objectsPerSec() > 0) {
            sb.append("\n  io:\n");
            if (io.any()) {
                sb.append("    client:   ").append(DataViews.bytes(Math.round(io.readBytesPerSec()))).append("/s rd, ")
                        .append(DataViews.bytes(Math.round(io.writeBytesPerSec()))).append("/s wr, ")
                        .append(Math.round(io.readOpsPerSec())).append(" op/s rd, ")
                        .append(Math.round(io.writeOpsPerSec())).append(" op/s wr\n");
            }
            if (stats.recovery().objectsPerSec() > 0) {
                sb.append("    recovery: ").append(DataViews.recoveryRate(stats.recovery())).append('\n');
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("fsid", map.fsid());
        json.put("health", HealthChecks.json(health));
        json.put("election_epoch", q.term());
        json.put("quorum", q.quorum().stream().map(n -> q.monMap().member(n).rank()).toList());
        json.put("quorum_names", q.quorum());
        Map<String, Object> osdmap = new LinkedHashMap<>();
        osdmap.put("epoch", map.epoch());
        osdmap.put("num_osds", map.numOsds());
        osdmap.put("num_up_osds", map.numUpOsds());
        osdmap.put("num_in_osds", map.numInOsds());
        json.put("osdmap", osdmap);
        json.put("fsmap", FsViews.summaryJson(fs.map()));
        Map<String, Object> pgmap = new LinkedHashMap<>();
        pgmap.put("pgs_by_state", stats.pgStates().entrySet().stream()
                .map(e -> Map.of("state_name", e.getKey(), "count", e.getValue())).toList());
        pgmap.put("num_pgs", pgs);
        pgmap.put("num_pools", map.pools().size());
        pgmap.put("num_objects", stats.objects());
        pgmap.put("data_bytes", stats.storedBytes());
        pgmap.put("bytes_used", stats.usedBytes());
        pgmap.put("bytes_avail", stats.availBytes());
        pgmap.put("bytes_total", stats.totalBytes());
        PgStatsTable.Recovery rec = stats.recovery();
        if (rec.degradedObjects() > 0) {
            pgmap.put("degraded_objects", rec.degradedObjects());
            pgmap.put("degraded_total", rec.objectCopies());
            pgmap.put("degraded_ratio", rec.objectCopies() == 0 ? 0.0 : (double) rec.degradedObjects() / rec.objectCopies());
        }
        if (rec.misplacedObjects() > 0) {
            pgmap.put("misplaced_objects", rec.misplacedObjects());
            pgmap.put("misplaced_total", rec.objectCopies());
        }
        pgmap.put("read_bytes_sec", Math.round(io.readBytesPerSec()));
        pgmap.put("write_bytes_sec", Math.round(io.writeBytesPerSec()));
        pgmap.put("read_op_per_sec", Math.round(io.readOpsPerSec()));
        pgmap.put("write_op_per_sec", Math.round(io.writeOpsPerSec()));
        if (rec.objectsPerSec() > 0) {
            pgmap.put("recovering_objects_per_sec", Math.round(rec.objectsPerSec()));
            pgmap.put("recovering_bytes_per_sec", Math.round(rec.bytesPerSec()));
        }
        json.put("pgmap", pgmap);
        return CommandResult.ok(json, sb.toString());
    }
}
