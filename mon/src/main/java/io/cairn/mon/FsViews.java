package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Ceph's file-system views, plain and JSON: {@code fs ls}, {@code fs dump}, {@code fs get},
 * {@code fs status}, {@code mds stat}, and the lines {@code status} prints for file systems.
 */
final class FsViews {
    static final Set<String> READS = Set.of("fs ls", "fs dump", "fs get", "fs status", "mds stat");
    /** Ceph prints ranks one by one in {@code mds stat} only when fewer than this hold ranks. */
    private static final int RANKS_LISTED_MAX = 5;

    private FsViews() {}

    static CommandResult run(OsdMap osd, FsView view, String prefix, CommandArgs a, PgStatsTable.Summary stats) {
        FsMap fs = view.map();
        return switch (prefix) {
            case "fs ls" -> ls(osd, fs);
            case "fs dump" -> dump(fs);
            case "fs get" -> get(fs, a);
            case "fs status" -> FsStatusView.status(osd, view, a.str("fs_name", ""), stats);
            case "mds stat" -> CommandResult.ok(Map.of("fsmap", summaryJson(fs)), summary(fs) + "\n");
            default -> throw CairnException.invalid("unknown command '" + prefix + "'");
        };
    }

    static String poolName(OsdMap osd, long id) {
        Pool p = osd.pool(id);
        return p == null ? Long.toString(id) : p.name();
    }

    private static CommandResult ls(OsdMap osd, FsMap fs) {
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (Filesystem f : fs.filesystems()) {
            List<String> data = f.getDataPoolsList().stream().map(id -> poolName(osd, id)).toList();
            sb.append("name: ").append(f.getName()).append(", metadata pool: ").append(poolName(osd, f.getMetadataPool()))
                    .append(", data pools: [");
            data.forEach(d -> sb.append(d).append(' '));
            sb.append("]\n");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.getName());
            m.put("metadata_pool", poolName(osd, f.getMetadataPool()));
            m.put("metadata_pool_id", f.getMetadataPool());
            m.put("data_pool_ids", f.getDataPoolsList());
            m.put("data_pools", data);
            json.add(m);
        }
        return CommandResult.ok(json, fs.filesystems().isEmpty() ? "No filesystems enabled\n" : sb.toString());
    }

    private static CommandResult dump(FsMap fs) {
        StringBuilder sb = new StringBuilder("e").append(fs.epoch()).append("\n \n");
        if (fs.filesystems().isEmpty()) {
            sb.append("No filesystems configured\n");
        }
        List<Object> filesystems = new ArrayList<>();
        for (Filesystem f : fs.filesystems()) {
            print(fs, f, sb);
            sb.append(" \n \n");
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("mdsmap", mdsMapJson(fs, f));
            one.put("id", f.getFscid());
            filesystems.add(one);
        }
        if (!fs.standbys().isEmpty()) {
            sb.append("Standby daemons:\n \n");
        }
        fs.standbys().forEach(d -> sb.append(daemonLine(d)).append('\n'));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", fs.epoch());
        json.put("default_fscid", fs.filesystems().stream().mapToInt(Filesystem::getFscid).findFirst().orElse(-1));
        json.put("standbys", fs.standbys().stream().map(FsViews::daemonJson).toList());
        json.put("filesystems", filesystems);
        CommandResult r = CommandResult.ok(json, sb.toString());
        return new CommandResult(r.code(), "dumped fsmap epoch " + fs.epoch(), r.json(), r.plain(), null);
    }

    private static CommandResult get(FsMap fs, CommandArgs a) {
        String name = a.str("fs_name");
        Filesystem f = fs.filesystem(name);
        if (f == null) {
            throw CairnException.notFound("filesystem '" + name + "' not found");
        }
        StringBuilder sb = new StringBuilder();
        print(fs, f, sb);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mdsmap", mdsMapJson(fs, f));
        json.put("id", f.getFscid());
        return CommandResult.ok(json, sb.toString());
    }

    /** Ceph's Filesystem::print: the MDSMap's fields one a line, then its daemons by rank. */
    private static void print(FsMap fs, Filesystem f, StringBuilder sb) {
        sb.append("Filesystem '").append(f.getName()).append("' (").append(f.getFscid()).append(")\n");
        sb.append("fs_name\t").append(f.getName()).append('\n');
        sb.append("epoch\t").append(f.getModifiedEpoch()).append('\n');
        sb.append("flags\t").append(f.getJoinable() ? "0 joinable" : "1").append('\n');
        sb.append("created\t").append(Instant.ofEpochMilli(f.getCreatedMs())).append('\n');
        sb.append("modified\t").append(Instant.ofEpochMilli(f.getModifiedMs())).append('\n');
        sb.append("session_timeout\t").append(f.getSessionTimeoutS()).append('\n');
        sb.append("session_autoclose\t").append(f.getSessionAutocloseS()).append('\n');
        sb.append("max_mds\t").append(f.getMaxMds()).append('\n');
        sb.append("in\t").append(joined(FsMap.inRanks(f))).append('\n');
        sb.append("up\t").append(upText(f)).append('\n');
        sb.append("failed\t").append(joined(f.getFailedList())).append('\n');
        sb.append("damaged\t").append(joined(f.getDamagedList())).append('\n');
        sb.append("data_pools\t[").append(joined(f.getDataPoolsList())).append("]\n");
        sb.append("metadata_pool\t").append(f.getMetadataPool()).append('\n');
        sb.append("standby_count_wanted\t").append(f.getStandbyCountWanted()).append('\n');
        fs.holders(f).forEach(d -> sb.append(daemonLine(d)).append('\n'));
    }

    /** Ceph's mds_info_t summary: {@code [mds.a{0:4242} state up:active ... addr ...]}. */
    static String daemonLine(MdsDaemonInfo d) {
        return "[mds." + d.getName() + "{" + d.getRank() + ":" + d.getGid() + "} state " + d.getState()
                + (d.getRank() >= 0 ? " up_epoch " + d.getUpEpoch() : "") + " addr " + d.getAddr() + "]";
    }

    private static String upText(Filesystem f) {
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(f.getUpMap()).forEach((rank, gid) -> sb.append(sb.length() > 1 ? "," : "").append(rank).append('=')
                .append(gid));
        return sb.append('}').toString();
    }

    private static String joined(java.util.Collection<?> items) {
        return String.join(",", items.stream().map(String::valueOf).toList());
    }

    static Map<String, Object> mdsMapJson(FsMap fs, Filesystem f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", f.getModifiedEpoch());
        m.put("flags", f.getJoinable() ? 0 : 1);
        m.put("flags_state", Map.of("joinable", f.getJoinable()));
        m.put("created", Instant.ofEpochMilli(f.getCreatedMs()).toString());
        m.put("modified", Instant.ofEpochMilli(f.getModifiedMs()).toString());
        m.put("session_timeout", f.getSessionTimeoutS());
        m.put("session_autoclose", f.getSessionAutocloseS());
        m.put("max_mds", f.getMaxMds());
        m.put("in", List.copyOf(FsMap.inRanks(f)));
        Map<String, Object> up = new LinkedHashMap<>();
        new TreeMap<>(f.getUpMap()).forEach((rank, gid) -> up.put("mds_" + rank, gid));
        m.put("up", up);
        m.put("failed", f.getFailedList());
        m.put("damaged", f.getDamagedList());
        Map<String, Object> info = new LinkedHashMap<>();
        fs.holders(f).forEach(d -> info.put("gid_" + d.getGid(), daemonJson(d)));
        m.put("info", info);
        m.put("data_pools", f.getDataPoolsList());
        m.put("metadata_pool", f.getMetadataPool());
        m.put("enabled", true);
        m.put("fs_name", f.getName());
        m.put("standby_count_wanted", f.getStandbyCountWanted());
        return m;
    }

    static Map<String, Object> daemonJson(MdsDaemonInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gid", d.getGid());
        m.put("name", d.getName());
        m.put("rank", d.getRank());
        m.put("state", d.getState());
        m.put("addr", d.getAddr());
        m.put("up_epoch", d.getUpEpoch());
        m.put("state_since", Instant.ofEpochMilli(d.getStateSinceMs()).toString());
        return m;
    }

    /**
     * Ceph's FSMap::print_summary, as {@code mds stat} prints it:
     * {@code cairnfs:1 {0=a=up:active} 1 up:standby}; a degraded file system as up/in.
     */
    static String summary(FsMap fs) {
        List<String> parts = new ArrayList<>();
        if (fs.filesystems().size() <= 3) {
            for (Filesystem f : fs.filesystems()) {
                int in = FsMap.inRanks(f).size();
                parts.add(f.getName() + ":" + (degraded(fs, f) ? f.getUpCount() + "/" + in : Integer.toString(in)));
            }
        } else {
            parts.add(fs.filesystems().size() + " fs");
        }
        Map<Integer, Integer> byState = new TreeMap<>();
        byState.put(MdsState.STANDBY.code(), fs.standbys().size());
        Map<String, String> byRank = new TreeMap<>();
        List<MdsDaemonInfo> holders = fs.daemons().stream().filter(d -> d.getRank() >= 0).toList();
        boolean listRanks = !holders.isEmpty() && holders.size() < RANKS_LISTED_MAX;
        for (MdsDaemonInfo d : holders) {
            String role = fs.filesystems().size() > 1 ? fs.filesystem(d.getFscid()).getName() + ":" + d.getRank()
                    : Integer.toString(d.getRank());
            if (listRanks) {
                byRank.put(role, d.getName() + "=" + d.getState());
            } else {
                byState.merge(MdsState.of(d).code(), 1, Integer::sum);
            }
        }
        if (!byRank.isEmpty()) {
            StringBuilder sb = new StringBuilder("{");
            byRank.forEach((role, s) -> sb.append(sb.length() > 1 ? "," : "").append(role).append('=').append(s));
            parts.add(sb.append('}').toString());
        }
        byState.forEach((code, n) -> {
            if (n > 0) {
                parts.add(n + " " + stateNamed(code));
            }
        });
        int failed = fs.filesystems().stream().mapToInt(Filesystem::getFailedCount).sum();
        int damaged = fs.filesystems().stream().mapToInt(Filesystem::getDamagedCount).sum();
        return String.join(" ", parts) + (failed > 0 ? ", " + failed + " failed" : "")
                + (damaged > 0 ? ", " + damaged + " damaged" : "");
    }

    private static String stateNamed(int code) {
        for (MdsState s : MdsState.values()) {
            if (s.code() == code) {
                return s.cephName();
            }
        }
        throw new IllegalStateException("no mds state " + code);
    }

    static Map<String, Object> summaryJson(FsMap fs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", fs.epoch());
        List<Object> filesystems = new ArrayList<>();
        for (Filesystem f : fs.filesystems()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", f.getFscid());
            one.put("name", f.getName());
            one.put("up", f.getUpCount());
            one.put("in", FsMap.inRanks(f).size());
            one.put("max", f.getMaxMds());
            filesystems.add(one);
        }
        m.put("filesystems", filesystems);
        List<Object> byRank = new ArrayList<>();
        for (MdsDaemonInfo d : fs.daemons()) {
            if (d.getRank() >= 0) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("filesystem_id", d.getFscid());
                r.put("rank", d.getRank());
                r.put("name", d.getName());
                r.put("status", d.getState());
                r.put("gid", d.getGid());
                byRank.add(r);
            }
        }
        m.put("by_rank", byRank);
        m.put("up:standby", fs.standbys().size());
        int failed = fs.filesystems().stream().mapToInt(Filesystem::getFailedCount).sum();
        int damaged = fs.filesystems().stream().mapToInt(Filesystem::getDamagedCount).sum();
        if (failed > 0) {
            m.put("failed", failed);
        }
        if (damaged > 0) {
            m.put("damaged", damaged);
        }
        return m;
    }

    /** Ceph's MDSMap::is_degraded: a rank failed or damaged, or its holder still recovering. */
    static boolean degraded(FsMap fs, Filesystem f) {
        return f.getFailedCount() > 0 || f.getDamagedCount() > 0
                || fs.holders(f).stream().anyMatch(d -> MdsState.of(d).recovering());
    }

    /**
     * The services line {@code status} prints (Ceph's print_daemon_summary), or null when there
     * is neither a file system nor an MDS: {@code 1/1 daemons up, 1 standby}.
     */
    static String servicesLine(FsMap fs) {
        if (fs.filesystems().isEmpty() && fs.daemons().isEmpty()) {
            return null;
        }
        int up = 0;
        int in = 0;
        int failed = 0;
        for (Filesystem f : fs.filesystems()) {
            up += f.getUpCount();
            in += FsMap.inRanks(f).size();
            failed += f.getFailedCount();
        }
        int standby = fs.standbys().size();
        return up + "/" + in + " daemons up" + (failed > 0 ? " (" + failed + " failed)" : "")
                + (standby > 0 ? ", " + standby + " standby" : "");
    }

    /** The volumes line of {@code status}'s data section (Ceph's print_fs_summary), or null without file systems. */
    static String volumesLine(FsMap fs) {
        if (fs.filesystems().isEmpty()) {
            return null;
        }
        int healthy = 0;
        int recovering = 0;
        int failed = 0;
        int damaged = 0;
        for (Filesystem f : fs.filesystems()) {
            damaged += f.getDamagedCount() > 0 ? 1 : 0;
            if (f.getFailedCount() > 0) {
                failed++;
            } else if (degraded(fs, f)) {
                recovering++;
            } else {
                healthy++;
            }
        }
        return healthy + "/" + fs.filesystems().size() + " healthy" + (recovering > 0 ? ", " + recovering + " recovering" : "")
                + (failed > 0 ? ", " + failed + " failed" : "") + (damaged > 0 ? "; " + damaged + " damaged" : "");
    }

    /** Sorted ranks of a file system that exist in any form: held, failed or damaged. */
    static Set<Integer> allRanks(Filesystem f) {
        Set<Integer> ranks = new TreeSet<>(FsMap.inRanks(f));
        ranks.addAll(f.getDamagedList());
        return ranks;
    }
}
