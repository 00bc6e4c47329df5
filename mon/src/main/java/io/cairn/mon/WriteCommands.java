package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.crush.CrushMapException;
import io.cairn.crush.Rule;
import io.cairn.crush.Tunables;
import io.cairn.proto.v1.CommandRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The commands that change the OSDMap, applied by every monitor to the same map in the same
 * order: pure functions of (map, arguments, proposer's clock). Anything that depends on one
 * monitor's config was settled before proposing ({@link CommandPreparer}).
 */
final class WriteCommands {
    /** Commands only monitors propose (boot, failure decisions); clients get EPERM. */
    static final Set<String> INTERNAL = Set.of("osd boot", "osd mark-down", "osd auto-out", "osd pool snaps-purged",
            BlocklistCommands.EXPIRE);
    static final Set<String> PREFIXES = Set.of("osd create", "osd boot", "osd alive", "osd down", "osd out", "osd in", "osd rm", "osd purge", "osd destroy",
            "osd mark-down", "osd auto-out", "osd reweight", "osd reweightn", "osd set", "osd unset", "osd pg-temp", "osd pool create",
            "osd pool set", "osd pool rename", "osd pool rm", "osd crush add-bucket", "osd crush move",
            "osd crush add", "osd crush set", "osd crush reweight", "osd crush remove",
            "osd crush rule create-replicated", "osd crush rule rm", "osd crush tunables");
    private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

    private WriteCommands() {}

    static boolean isWrite(String prefix) {
        return PREFIXES.contains(prefix) || SnapCommands.PREFIXES.contains(prefix)
                || BlocklistCommands.WRITES.contains(prefix);
    }

    static CommandResult apply(OsdMap map, CommandRequest req, long nowMs, boolean internal) {
        try {
            if (INTERNAL.contains(req.getPrefix()) && !internal) {
                throw new CairnException(ErrorCode.EPERM, "'" + req.getPrefix() + "' is for monitors only");
            }
            CommandArgs a = new CommandArgs(req.getArgsMap());
            return switch (req.getPrefix()) {
                case "osd create" -> osdCreate(map, a, nowMs);
                case "osd boot" -> OsdLifecycle.boot(map, a, nowMs);
                case "osd alive" -> OsdLifecycle.alive(map, a, nowMs);
                case "osd down" -> OsdLifecycle.markDown(map, a.osdIds("ids", upIds(map)), nowMs, false);
                case "osd mark-down" -> OsdLifecycle.markDown(map, a.osdIds("ids", List.of()), nowMs, true);
                case "osd out" -> OsdLifecycle.setIn(map, a.osdIds("ids", existingIds(map)), false, false, nowMs);
                case "osd auto-out" -> OsdLifecycle.autoOut(map, a, nowMs);
                case "osd in" -> OsdLifecycle.setIn(map, a.osdIds("ids", existingIds(map)), true, false, nowMs);
                case "osd rm" -> OsdLifecycle.remove(map, a.osdIds("ids", List.of()), nowMs);
                case "osd purge" -> OsdLifecycle.purge(map, a, nowMs);
                case "osd destroy" -> OsdLifecycle.destroy(map, a, nowMs);
                case "osd reweight" -> reweight(map, a, nowMs);
                case "osd reweightn" -> reweightn(map, a, nowMs);
                case "osd set" -> setFlag(map, a.str("key"), true, nowMs);
                case "osd unset" -> setFlag(map, a.str("key"), false, nowMs);
                case "osd pg-temp" -> pgTemp(map, a, nowMs);
                case "osd pool create" -> poolCreate(map, a, nowMs);
                case "osd pool set" -> PoolSettings.set(map, a, nowMs);
                case "osd pool rename" -> poolRename(map, a, nowMs);
                case "osd pool rm" -> poolRemove(map, a, nowMs);
                case "osd pool mksnap", "osd pool rmsnap", "osd pool selfmanaged-snap create",
                     "osd pool selfmanaged-snap rm", "osd pool snaps-purged" ->
                        SnapCommands.apply(map, req.getPrefix(), a, nowMs);
                case BlocklistCommands.ADD, BlocklistCommands.RM, BlocklistCommands.EXPIRE ->
                        BlocklistCommands.apply(map, req.getPrefix(), a, nowMs);
                default -> CrushCommands.apply(map, req.getPrefix(), a, nowMs);
            };
        } catch (CairnException e) {
            return CommandResult.error(e);
        } catch (CrushMapException | IllegalArgumentException e) {
            return CommandResult.error(CairnException.invalid(e.getMessage()));
        }
    }

    static List<Integer> upIds(OsdMap map) {
        return map.osds().values().stream().filter(o -> o.exists() && o.up()).map(OsdInfo::id).toList();
    }

    static List<Integer> existingIds(OsdMap map) {
        return map.osds().values().stream().filter(OsdInfo::exists).map(OsdInfo::id).toList();
    }

    static OsdInfo requireOsd(OsdMap map, int id) {
        OsdInfo o = map.osd(id);
        if (o == null || !o.exists()) {
            throw CairnException.notFound("osd." + id + " does not exist");
        }
        return o;
    }

    static Pool requirePool(OsdMap map, String name) {
        Pool p = map.pool(name);
        if (p == null) {
            throw CairnException.notFound("pool '" + name + "' does not exist");
        }
        return p;
    }

    private static CommandResult osdCreate(OsdMap map, CommandArgs a, long nowMs) {
        String uuid = a.str("uuid", "");
        if (!uuid.isEmpty()) {
            for (OsdInfo o : map.osds().values()) {
                if (o.exists() && o.uuid().equals(uuid) && o.destroyed()) {
                    throw CairnException.exists("osd." + o.id() + " was destroyed: its old store may not rejoin; "
                            + "prepare a new one (cairn osd prepare --osd-id " + o.id() + ")");
                }
                if (o.exists() && o.uuid().equals(uuid)) {
                    // the same uuid always gets the same id: a retried create is harmless
                    return CommandResult.ok(Map.of("osdid", o.id()), o.id() + "\n");
                }
            }
        }
        int id;
        if (a.has("id")) {
            id = a.integer("id");
            if (id < 0 || id > 1_000_000) {
                throw CairnException.invalid("osd id must be 0..1000000: " + id);
            }
            if (map.exists(id) && !map.osd(id).destroyed()) {
                throw CairnException.exists("osd." + id + " already exists with another uuid");
            }
            // a destroyed id goes to its replacement, which keeps the CRUSH place and boots in
        } else {
            id = 0;
            while (map.exists(id)) {
                id++;
            }
        }
        OsdMap next = map.toBuilder().putOsd(OsdInfo.created(id, uuid)).build(nowMs);
        return CommandResult.changed(next, "", Map.of("osdid", id), id + "\n");
    }

    private static CommandResult reweight(OsdMap map, CommandArgs a, long nowMs) {
        int id = CommandArgs.parseOsd(a.str("id"));
        double w = a.decimal("weight");
        if (!(w >= 0 && w <= 1)) {
            throw CairnException.invalid("reweight must be between 0 and 1, not " + w);
        }
        OsdInfo o = requireOsd(map, id);
        OsdMap next = map.toBuilder().putOsd(o.withWeight((int) (w * OsdInfo.WEIGHT_IN))).build(nowMs);
        return CommandResult.changed(next, "reweighted osd." + id + " to " + w);
    }

    /** Several reweights in one epoch ("0:0.95,3:0.9"), as reweight-by-utilization applies them. */
    private static CommandResult reweightn(OsdMap map, CommandArgs a, long nowMs) {
        OsdMap.Builder b = map.toBuilder();
        List<String> done = new ArrayList<>();
        for (String pair : a.str("weights").split(",")) {
            String[] kv = pair.split(":");
            if (kv.length != 2) {
                throw CairnException.invalid("weights are OSD:WEIGHT pairs, not '" + pair + "'");
            }
            int id = CommandArgs.parseOsd(kv[0].strip());
            double w;
            try {
                w = Double.parseDouble(kv[1].strip());
            } catch (NumberFormatException e) {
                throw CairnException.invalid("bad weight '" + kv[1] + "'");
            }
            if (!(w >= 0 && w <= 1)) {
                throw CairnException.invalid("reweight must be between 0 and 1, not " + w);
            }
            b.putOsd(requireOsd(map, id).withWeight((int) (w * OsdInfo.WEIGHT_IN)));
            done.add("osd." + id + " to " + w);
        }
        return CommandResult.changed(b.build(nowMs), "reweighted " + String.join(", ", done));
    }

    /**
     * Ceph's pg_temp (what an OSD's MOSDPGTemp asks for, and {@code osd pg-temp PGID [IDS]}): the
     * PG acts on these OSDs instead of its up set, while up members are backfilled; no ids drops it.
     */
    private static CommandResult pgTemp(OsdMap map, CommandArgs a, long nowMs) {
        PgId pg;
        try {
            pg = PgId.parse(a.str("pgid"));
        } catch (IllegalArgumentException e) {
            throw CairnException.invalid(e.getMessage());
        }
        Pool pool = map.pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            throw CairnException.notFound("pg " + pg + " does not exist");
        }
        List<Integer> ids = a.str("ids", "").isBlank() ? List.of() : a.osdIds("ids", List.of());
        if (ids.size() > pool.size() || ids.stream().distinct().count() != ids.size()) {
            throw CairnException.invalid("pg_temp " + ids + " must name at most " + pool.size() + " distinct OSDs");
        }
        for (int id : ids) {
            requireOsd(map, id);
        }
        if (ids.equals(map.pgTemp().getOrDefault(pg, List.of()))) {
            return CommandResult.noop("pg_temp of " + pg + " is already " + ids);
        }
        OsdMap next = map.toBuilder().pgTemp(pg, ids).build(nowMs);
        return CommandResult.changed(next, ids.isEmpty() ? "removed pg_temp of " + pg : "set " + pg + " pg_temp to " + ids);
    }

    private static CommandResult setFlag(OsdMap map, String key, boolean on, long nowMs) {
        ClusterFlag f = ClusterFlag.named(key);
        if (f == null) {
            List<String> names = new ArrayList<>();
            for (ClusterFlag c : ClusterFlag.values()) {
                names.add(c.cephName());
            }
            throw CairnException.invalid("unknown flag '" + key + "' (" + String.join(", ", names) + ")");
        }
        if (map.hasFlag(f) == on) {
            return CommandResult.noop(key + " is already " + (on ? "set" : "unset"));
        }
        OsdMap next = map.toBuilder().setFlag(f, on).build(nowMs);
        return CommandResult.changed(next, key + " is " + (on ? "set" : "unset"));
    }

    private static CommandResult poolCreate(OsdMap map, CommandArgs a, long nowMs) {
        String name = a.str("pool");
        if (!POOL_NAME.matcher(name).matches()) {
            throw CairnException.invalid("bad pool name '" + name + "' (letters, digits, _ . -; at most 100)");
        }
        if (map.pool(name) != null) {
            return CommandResult.noop("pool '" + name + "' already exists");
        }
        int pgNum = a.integer("pg_num");
        int pgpNum = a.integer("pgp_num", pgNum);
        int maxPgNum = a.integer("max_pg_num", 65536);
        if (pgNum < 1 || pgNum > maxPgNum) {
            throw CairnException.invalid("pg_num " + pgNum + " must be 1.." + maxPgNum);
        }
        if (pgpNum < 1 || pgpNum > pgNum) {
            throw CairnException.invalid("pgp_num " + pgpNum + " must be 1..pg_num (" + pgNum + ")");
        }
        int size = a.integer("size");
        int minSize = a.integer("min_size", size - size / 2);
        PoolSettings.checkSizes(size, minSize);
        Rule r = poolRule(map, a.str("rule", ""));
        int rule = r.id();
        long id = map.poolMax() + 1;
        Pool p = new Pool(id, name, Pool.TYPE_REPLICATED, size, minSize, pgNum, pgpNum, rule, Pool.FLAG_HASHPSPOOL, 0,
                map.epoch() + 1);
        OsdMap next = map.toBuilder().putPool(p).build(nowMs);
        return CommandResult.changed(next, "pool '" + name + "' created", Map.of("pool", name, "pool_id", id), "");
    }

    /** The rule a new pool uses: by name or id, or the first replicated rule. */
    private static Rule poolRule(OsdMap map, String nameOrId) {
        Rule r = null;
        if (nameOrId.isEmpty()) {
            r = map.crush().rules().stream().filter(x -> x.type() == Rule.TYPE_REPLICATED).findFirst().orElse(null);
            if (r == null) {
                throw CairnException.notFound("the CRUSH map has no replicated rule");
            }
            return r;
        }
        r = map.crush().rule(nameOrId);
        if (r == null && nameOrId.matches("\\d+")) {
            r = map.crush().rule(Integer.parseInt(nameOrId));
        }
        if (r == null || r.type() != Rule.TYPE_REPLICATED) {
            throw CairnException.notFound("CRUSH rule '" + nameOrId + "' does not exist or is not a replicated rule");
        }
        return r;
    }

    private static CommandResult poolRename(OsdMap map, CommandArgs a, long nowMs) {
        Pool p = requirePool(map, a.str("srcpool"));
        String dst = a.str("destpool");
        if (!POOL_NAME.matcher(dst).matches()) {
            throw CairnException.invalid("bad pool name '" + dst + "'");
        }
        if (map.pool(dst) != null) {
            throw CairnException.exists("pool '" + dst + "' already exists");
        }
        OsdMap next = map.toBuilder().putPool(p.withName(dst)).build(nowMs);
        return CommandResult.changed(next, "pool '" + p.name() + "' renamed to '" + dst + "'");
    }

    private static CommandResult poolRemove(OsdMap map, CommandArgs a, long nowMs) {
        String name = a.str("pool");
        Pool p = map.pool(name);
        if (p == null) {
            return CommandResult.noop("pool '" + name + "' does not exist");
        }
        if (!name.equals(a.str("pool2", "")) || !a.flag("yes_i_really_really_mean_it")) {
            throw new CairnException(ErrorCode.EPERM, "WARNING: this will *PERMANENTLY DESTROY* all data stored in pool "
                    + name + ".  If you are *ABSOLUTELY CERTAIN* that is what you want, pass the pool name *twice*, "
                    + "followed by --yes-i-really-really-mean-it.");
        }
        OsdMap next = map.toBuilder().removePool(p.id()).build(nowMs);
        return CommandResult.changed(next, "pool '" + name + "' removed");
    }

    /** Builds the edited CRUSH map into the next OSDMap, refusing a change that breaks a pool's rule. */
    static OsdMap withCrush(OsdMap map, CrushMapBuilder b, long nowMs) {
        CrushMap crush = CrushEdits.build(b);
        CrushEdits.checkStillMaps(map, crush);
        return map.toBuilder().crush(crush).build(nowMs);
    }

    static CommandResult tunables(OsdMap map, String profile, long nowMs) {
        Tunables t = Tunables.profile(profile, map.crush().tunables());
        CrushMapBuilder b = map.crush().toBuilder().tunables(t);
        return CommandResult.changed(withCrush(map, b, nowMs), "adjusted tunables profile to " + profile);
    }
}
