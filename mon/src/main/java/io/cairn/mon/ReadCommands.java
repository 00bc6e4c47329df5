package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.CrushTreeFormat;
import io.cairn.common.cli.TextTable;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushTree;
import io.cairn.crush.Rule;
import io.cairn.proto.v1.CommandRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The read-only commands, answered by the leader from the newest map (linearizable reads). */
final class ReadCommands {
    static final Set<String> PREFIXES = Set.of("status", "health", "mon stat", "mon dump", "quorum_status", "osd dump", "osd tree",
            "osd stat", "osd ls", "osd pool ls", "osd pool get", "osd crush dump", "osd crush tree", "osd crush rule ls",
            "osd crush rule dump", "osd map", "osd getcrushmap", BlocklistCommands.LS, "df", "pg stat", "pg ls", "pg ls-by-pool", "pg ls-by-osd", "pg dump", "osd df", "osd test-reweight-by-utilization",
            NoteCommands.LOG_LAST);

    /** The answer of a follower to a read that needs the leader's view of the quorum. */
    static final String NOT_LEADER = "this monitor is not the leader";
    private static final Set<String> NEED_QUORUM = Set.of("status", "health", "mon stat", "mon dump", "quorum_status");

    private ReadCommands() {}

    static boolean isRead(String prefix) {
        return PREFIXES.contains(prefix) || FsViews.READS.contains(prefix);
    }

    static CommandResult run(OsdMap map, CommandRequest req, QuorumView quorum, PgStatsTable.Summary stats,
                             List<io.cairn.proto.v1.HealthMute> mutes) {
        return run(map, FsView.NONE, req, quorum, stats, mutes);
    }

    static CommandResult run(OsdMap map, FsView fs, CommandRequest req, QuorumView quorum, PgStatsTable.Summary stats,
                             List<io.cairn.proto.v1.HealthMute> mutes) {
        try {
            CommandArgs a = new CommandArgs(req.getArgsMap());
            String prefix = req.getPrefix();
            if (NEED_QUORUM.contains(prefix) && !quorum.fromLeader()) {
                throw new CairnException(ErrorCode.EAGAIN, NOT_LEADER);
            }
            switch (prefix) {
                case "mon stat":
                    return monStat(quorum);
                case "quorum_status":
                    return quorumStatus(quorum);
                case "mon dump":
                    return monDump(map, quorum);
                default:
                    break;
            }
            if (map == null) {
                throw new CairnException(ErrorCode.EAGAIN, "the cluster is not initialised yet");
            }
            if (FsViews.READS.contains(prefix)) {
                return FsViews.run(map, fs, prefix, a, stats);
            }
            return switch (prefix) {
                case "status" -> StatusView.status(map, fs, quorum, stats, mutes);
                case "df" -> DataViews.df(map, stats, a.flag("detail"));
                case "pg stat" -> DataViews.pgStat(map, stats);
                case "pg ls" -> PgListing.ls(map, stats, pg -> true, a.words("states"));
                case "pg dump" -> PgListing.dump(map, stats, a.str("dumpcontents", "all"));
                case "osd df" -> OsdDf.run(map, stats, a.flag("tree"));
                case "osd test-reweight-by-utilization" ->
                        ReweightByUtilization.describe(ReweightByUtilization.plan(map, stats, a));
                case "pg ls-by-pool" -> PgListing.ls(map, stats, PgListing.inPool(map, a.str("pool")), a.words("states"));
                case "pg ls-by-osd" -> PgListing.ls(map, stats, PgListing.onOsd(map, a.str("osd")), a.words("states"));
                case "health" -> health(map, fs, quorum, stats, mutes, a.flag("detail"));
                case "osd dump" -> osdDump(map);
                case "osd tree" -> osdTree(map);
                case "osd stat" -> osdStat(map);
                case "osd ls" -> CommandResult.ok(WriteCommands.existingIds(map),
                        String.join("", WriteCommands.existingIds(map).stream().map(i -> i + "\n").toList()));
                case "osd pool ls" -> poolLs(map, a.flag("detail"));
                case "osd pool get" -> poolGet(map, a);
                case "osd crush dump" -> CommandResult.ok(CrushDump.dump(map.crush()), null);
                case "osd crush tree" -> crushTree(map, a.flag("show_shadow"));
                case "osd crush rule ls" -> ruleLs(map);
                case "osd crush rule dump" -> ruleDump(map, a.str("name", ""));
                case "osd map" -> objectMap(map, a);
                case "osd getcrushmap" -> CommandResult.ok(null, map.crushText());
                case BlocklistCommands.LS -> BlocklistCommands.ls(map);
                default -> throw CairnException.invalid("unknown command '" + prefix + "'");
            };
        } catch (CairnException e) {
            return CommandResult.error(e);
        } catch (IllegalArgumentException e) {
            return CommandResult.error(CairnException.invalid(e.getMessage()));
        }
    }

    private static CommandResult health(OsdMap map, FsView fs, QuorumView quorum, PgStatsTable.Summary stats,
                                        List<io.cairn.proto.v1.HealthMute> mutes, boolean detail) {
        HealthChecks.Health h = HealthChecks.judge(HealthChecks.compute(map, quorum, stats, fs), mutes);
        return CommandResult.ok(HealthChecks.json(h), HealthChecks.text(h, detail));
    }

    private static CommandResult monStat(QuorumView q) {
        StringBuilder addrs = new StringBuilder();
        for (MonMap.Member m : q.monMap().members()) {
            addrs.append(addrs.isEmpty() ? "" : ",").append(m.name()).append('=').append(m.publicAddr());
        }
        List<Integer> ranks = q.quorum().stream().map(n -> q.monMap().member(n).rank()).toList();
        String leader = q.leader() == null ? "none" : q.monMap().member(q.leader()).rank() + " " + q.leader();
        String plain = "e" + q.monMap().epoch() + ": " + q.monMap().members().size() + " mons at {" + addrs + "}, election epoch " + q.term()
                + ", leader " + leader + ", quorum " + String.join(",", ranks.stream().map(String::valueOf).toList())
                + " " + String.join(",", q.quorum()) + "\n";
        return CommandResult.ok(quorumJson(q), plain);
    }

    /** Ceph's {@code mon dump}: the map's epoch, the cluster's fsid, then "RANK: ADDR mon.NAME" per monitor. */
    private static CommandResult monDump(OsdMap map, QuorumView q) {
        String fsid = map == null ? "" : map.fsid();
        StringBuilder plain = new StringBuilder("epoch " + q.monMap().epoch() + "\nfsid " + fsid + "\n");
        List<Object> mons = new ArrayList<>();
        for (MonMap.Member m : q.monMap().members()) {
            plain.append(m.rank()).append(": ").append(m.publicAddr()).append(" mon.").append(m.name()).append('\n');
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("rank", m.rank());
            mm.put("name", m.name());
            mm.put("public_addr", m.publicAddr());
            mm.put("raft_addr", m.raftAddr());
            mons.add(mm);
        }
        plain.append("dumped monmap epoch ").append(q.monMap().epoch()).append('\n');
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", q.monMap().epoch());
        json.put("fsid", fsid);
        json.put("mons", mons);
        json.put("quorum", q.quorum().stream().map(n -> q.monMap().member(n).rank()).toList());
        return CommandResult.ok(json, plain.toString());
    }

    private static CommandResult quorumStatus(QuorumView q) {
        Map<String, Object> json = quorumJson(q);
        return CommandResult.ok(json, null);
    }

    static Map<String, Object> quorumJson(QuorumView q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("election_epoch", q.term());
        m.put("quorum", q.quorum().stream().map(n -> q.monMap().member(n).rank()).toList());
        m.put("quorum_names", q.quorum());
        m.put("quorum_leader_name", q.leader() == null ? "" : q.leader());
        List<Object> mons = new ArrayList<>();
        for (MonMap.Member mem : q.monMap().members()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("rank", mem.rank());
            mm.put("name", mem.name());
            mm.put("addr", mem.publicAddr());
            mons.add(mm);
        }
        m.put("monmap", Map.of("epoch", q.monMap().epoch(), "mons", mons));
        return m;
    }

    private static CommandResult osdDump(OsdMap map) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", map.epoch());
        json.put("fsid", map.fsid());
        json.put("created", Instant.ofEpochMilli(map.createdMs()).toString());
        json.put("modified", Instant.ofEpochMilli(map.modifiedMs()).toString());
        json.put("flags", String.join(",", map.flagList().stream().map(ClusterFlag::cephName).toList()));
        json.put("max_osd", map.maxOsd());
        json.put("pools", map.pools().values().stream().map(ReadCommands::poolJson).toList());
        List<Object> osds = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        plain.append("epoch ").append(map.epoch()).append('\n').append("fsid ").append(map.fsid()).append('\n')
                .append("created ").append(json.get("created")).append('\n')
                .append("modified ").append(json.get("modified")).append('\n')
                .append("flags ").append(json.get("flags")).append('\n').append('\n');
        for (Pool p : map.pools().values()) {
            plain.append(poolLine(p)).append('\n');
        }
        plain.append('\n').append("max_osd ").append(map.maxOsd()).append('\n');
        for (OsdInfo o : map.osds().values()) {
            if (!o.exists()) {
                continue;
            }
            Map<String, Object> oj = new LinkedHashMap<>();
            oj.put("osd", o.id());
            oj.put("uuid", o.uuid());
            oj.put("up", o.up() ? 1 : 0);
            oj.put("in", o.in() ? 1 : 0);
            oj.put("weight", o.weight() / (double) OsdInfo.WEIGHT_IN);
            oj.put("up_from", o.upFrom());
            oj.put("up_thru", o.upThru());
            oj.put("down_at", o.downAt());
            oj.put("public_addr", o.address());
            oj.put("state", state(o));
            osds.add(oj);
            plain.append(String.format(Locale.ROOT, "osd.%d %s %s weight %s up_from %d up_thru %d down_at %d %s %s %s%n",
                    o.id(), o.up() ? "up  " : "down", o.in() ? "in " : "out", reweight(o), o.upFrom(), o.upThru(),
                    o.downAt(), o.address().isEmpty() ? "-" : o.address(), String.join(",", state(o)), o.uuid()));
        }
        json.put("osds", osds);
        // Ceph's dump ends with the fenced clients, one "blocklist ADDR expires UNTIL" line each
        Map<String, Object> blocklist = new LinkedHashMap<>();
        map.blocklist().forEach((addr, until) -> {
            blocklist.put(addr, BlocklistCommands.until(until));
            plain.append("blocklist ").append(addr).append(" expires ").append(BlocklistCommands.until(until)).append('\n');
        });
        json.put("blocklist", blocklist);
        return CommandResult.ok(json, plain.toString());
    }

    private static List<String> state(OsdInfo o) {
        List<String> s = new ArrayList<>(List.of("exists"));
        if (o.up()) {
            s.add("up");
        }
        if (o.autoOut()) {
            s.add("autoout");
        }
        return s;
    }

    static String reweight(OsdInfo o) {
        double w = o.weight() / (double) OsdInfo.WEIGHT_IN;
        return w == Math.rint(w) ? Long.toString((long) w) : String.format(Locale.ROOT, "%.5f", w);
    }

    static Map<String, Object> poolJson(Pool p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", p.id());
        m.put("pool_name", p.name());
        m.put("type", p.type());
        m.put("size", p.size());
        m.put("min_size", p.minSize());
        m.put("crush_rule", p.crushRule());
        m.put("object_hash", 2);
        m.put("pg_num", p.pgNum());
        m.put("pg_placement_num", p.pgpNum());
        m.put("flags_names", poolFlagNames(p));
        m.put("snap_seq", p.snapSeq());
        List<Object> snaps = new ArrayList<>();
        for (io.cairn.common.osdmap.PoolSnap s : p.snaps().values()) {
            snaps.add(Map.of("snapid", s.id(), "name", s.name(), "stamp", Instant.ofEpochMilli(s.stampMs()).toString()));
        }
        m.put("pool_snaps", snaps);
        m.put("removed_snaps_queue", p.removedSnapsQueue().toString());
        m.put("purged_snaps", p.purgedSnaps().toString());
        return m;
    }

    /** Ceph's names of a pool's flags, comma-separated. */
    static String poolFlagNames(Pool p) {
        List<String> names = new ArrayList<>();
        if ((p.flags() & Pool.FLAG_HASHPSPOOL) != 0) {
            names.add("hashpspool");
        }
        if ((p.flags() & Pool.FLAG_POOL_SNAPS) != 0) {
            names.add("pool_snaps");
        }
        if ((p.flags() & Pool.FLAG_SELFMANAGED_SNAPS) != 0) {
            names.add("selfmanaged_snaps");
        }
        return String.join(",", names);
    }

    static String poolLine(Pool p) {
        return "pool " + p.id() + " '" + p.name() + "' " + p.typeName() + " size " + p.size() + " min_size "
                + p.minSize() + " crush_rule " + p.crushRule() + " object_hash rjenkins pg_num " + p.pgNum()
                + " pgp_num " + p.pgpNum() + " autoscale_mode off last_change " + p.createdEpoch() + " flags "
                + poolFlagNames(p) + " stripe_width 0" + poolSnapLines(p);
    }

    /** The lines Ceph prints under a pool with snapshots: its pool snaps and the removed ones still to trim. */
    private static String poolSnapLines(Pool p) {
        StringBuilder sb = new StringBuilder();
        for (io.cairn.common.osdmap.PoolSnap s : p.snaps().values()) {
            sb.append("\n\tsnap ").append(s.id()).append(" '").append(s.name()).append("' ")
                    .append(Instant.ofEpochMilli(s.stampMs()));
        }
        if (!p.removedSnapsQueue().isEmpty()) {
            sb.append("\n\tremoved_snaps_queue ").append(p.removedSnapsQueue());
        }
        return sb.toString();
    }

    private static CommandResult osdTree(OsdMap map) {
        List<CrushTree.Row> rows = CrushTree.rows(map.crush(), false);
        String plain = CrushTreeFormat.render(rows, List.of(
                new CrushTreeFormat.Extra("STATUS", TextTable.Align.RIGHT,
                        id -> map.osd(id) == null || !map.osd(id).exists() ? "DNE" : map.isUp(id) ? "up"
                                : map.osd(id).destroyed() ? "destroyed" : "down"),
                new CrushTreeFormat.Extra("REWEIGHT", TextTable.Align.RIGHT,
                        id -> map.osd(id) == null ? "0" : String.format(Locale.ROOT, "%.5f",
                                map.osd(id).weight() / (double) OsdInfo.WEIGHT_IN)),
                new CrushTreeFormat.Extra("PRI-AFF", TextTable.Align.RIGHT, id -> "1.00000")));
        Map<String, Object> json = CrushTreeFormat.json(rows, id -> {
            Map<String, Object> m = new LinkedHashMap<>();
            OsdInfo o = map.osd(id);
            m.put("exists", o != null && o.exists() ? 1 : 0);
            m.put("status", o != null && o.up() ? "up" : o != null && o.destroyed() ? "destroyed" : "down");
            m.put("reweight", o == null ? 0 : o.weight() / (double) OsdInfo.WEIGHT_IN);
            return m;
        });
        return CommandResult.ok(json, plain);
    }

    private static CommandResult osdStat(OsdMap map) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", map.epoch());
        json.put("num_osds", map.numOsds());
        json.put("num_up_osds", map.numUpOsds());
        json.put("num_in_osds", map.numInOsds());
        String plain = map.numOsds() + " osds: " + map.numUpOsds() + " up, " + map.numInOsds() + " in; epoch: e"
                + map.epoch() + "\n";
        return CommandResult.ok(json, plain);
    }

    private static CommandResult poolLs(OsdMap map, boolean detail) {
        if (detail) {
            StringBuilder sb = new StringBuilder();
            map.pools().values().forEach(p -> sb.append(poolLine(p)).append("\n\n"));
            return CommandResult.ok(map.pools().values().stream().map(ReadCommands::poolJson).toList(), sb.toString());
        }
        List<String> names = map.pools().values().stream().map(Pool::name).toList();
        return CommandResult.ok(names, String.join("", names.stream().map(n -> n + "\n").toList()));
    }

    private static CommandResult poolGet(OsdMap map, CommandArgs a) {
        Pool p = WriteCommands.requirePool(map, a.str("pool"));
        String var = a.str("var");
        Map<String, Object> m = PoolSettings.get(p, var);
        return CommandResult.ok(m, var + ": " + m.get(var) + "\n");
    }

    private static CommandResult crushTree(OsdMap map, boolean shadow) {
        List<CrushTree.Row> rows = CrushTree.rows(map.crush(), shadow);
        return CommandResult.ok(CrushTreeFormat.json(rows, id -> Map.of()), CrushTreeFormat.render(rows, List.of()));
    }

    private static CommandResult ruleLs(OsdMap map) {
        List<String> names = map.crush().rules().stream().map(Rule::name).toList();
        return CommandResult.ok(names, String.join("", names.stream().map(n -> n + "\n").toList()));
    }

    private static CommandResult ruleDump(OsdMap map, String name) {
        List<Object> rules = new ArrayList<>();
        for (Rule r : map.crush().rules()) {
            if (!name.isEmpty() && !r.name().equals(name)) {
                continue;
            }
            rules.add(CrushDump.rule(map.crush(), r));
        }
        if (!name.isEmpty() && rules.isEmpty()) {
            throw CairnException.notFound("unknown crush rule '" + name + "'");
        }
        return CommandResult.ok(name.isEmpty() ? rules : rules.get(0), null);
    }

    private static CommandResult objectMap(OsdMap map, CommandArgs a) {
        Pool p = WriteCommands.requirePool(map, a.str("pool"));
        String object = a.str("object");
        String ns = a.str("nspace", "");
        int hash = Placement.objectHash(object, ns, null);
        PgMapping pm = map.mapObject(p.id(), object, ns);
        String rawPg = p.id() + "." + Integer.toHexString(hash);
        String plain = "osdmap e" + map.epoch() + " pool '" + p.name() + "' (" + p.id() + ") object '" + object
                + "' -> pg " + rawPg + " (" + pm.pg() + ") -> up (" + pm.up() .toString().replace(" ", "") + ", p"
                + pm.upPrimary() + ") acting (" + pm.acting().toString().replace(" ", "") + ", p" + pm.actingPrimary()
                + ")\n";
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", map.epoch());
        json.put("pool", p.name());
        json.put("pool_id", p.id());
        json.put("objname", object);
        json.put("raw_pgid", rawPg);
        json.put("pgid", pm.pg().toString());
        json.put("up", pm.up());
        json.put("up_primary", pm.upPrimary());
        json.put("acting", pm.acting());
        json.put("acting_primary", pm.actingPrimary());
        return CommandResult.ok(json, plain);
    }
}
