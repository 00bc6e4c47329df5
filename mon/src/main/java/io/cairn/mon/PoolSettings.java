package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code osd pool set} and {@code osd pool get}: the settable pool variables. */
final class PoolSettings {
    static final List<String> VARIABLES = List.of("size", "min_size", "pg_num", "pgp_num", "crush_rule");

    private PoolSettings() {}

    static void checkSizes(int size, int minSize) {
        if (size < 1 || size > Pool.SIZE_MAX) {
            throw CairnException.invalid("pool size must be between 1 and " + Pool.SIZE_MAX + ", not " + size);
        }
        if (minSize < 1 || minSize > size) {
            throw CairnException.invalid("pool min_size must be between 1 and size (" + size + "), not " + minSize);
        }
    }

    static CommandResult set(OsdMap map, CommandArgs a, long nowMs) {
        Pool p = WriteCommands.requirePool(map, a.str("pool"));
        String var = a.str("var");
        Pool next = switch (var) {
            case "size" -> {
                int size = a.integer("val");
                int minSize = Math.min(p.minSize(), size);
                checkSizes(size, Math.max(1, minSize));
                yield p.withSize(size, Math.max(1, minSize));
            }
            case "min_size" -> {
                int minSize = a.integer("val");
                checkSizes(p.size(), minSize);
                yield p.withSize(p.size(), minSize);
            }
            case "pg_num" -> {
                int pgNum = a.integer("val");
                if (pgNum < p.pgNum()) {
                    throw CairnException.invalid("pg_num " + pgNum + " < current " + p.pgNum()
                            + ": decreasing pg_num is not supported");
                }
                int max = a.integer("max_pg_num", 65536);
                if (pgNum > max) {
                    throw CairnException.invalid("pg_num " + pgNum + " > mon_max_pool_pg_num " + max);
                }
                // each OSD splits its copies of the PGs when it sees the new pg_num; pgp_num stays, so the
                // new PGs sit where their parents are until pgp_num is raised too
                yield p.withPgNum(pgNum, p.pgpNum());
            }
            case "pgp_num" -> {
                int pgpNum = a.integer("val");
                if (pgpNum < 1 || pgpNum > p.pgNum()) {
                    throw CairnException.invalid("pgp_num must be 1..pg_num (" + p.pgNum() + "), not " + pgpNum);
                }
                // PGs that move are found again through their past intervals and backfilled
                yield p.withPgNum(p.pgNum(), pgpNum);
            }
            case "crush_rule" -> {
                int rule = ruleId(map, a.str("val"), p);
                yield p.withCrushRule(rule);
            }
            default -> throw CairnException.invalid("unknown pool variable '" + var + "' (" + String.join(", ", VARIABLES) + ")");
        };
        if (next.equals(p)) {
            return CommandResult.noop("set pool " + p.id() + " " + var + " to " + a.str("val"));
        }
        return CommandResult.changed(map.toBuilder().putPool(next).build(nowMs),
                "set pool " + p.id() + " " + var + " to " + a.str("val"));
    }

    private static int ruleId(OsdMap map, String nameOrId, Pool p) {
        Rule r = map.crush().rule(nameOrId);
        if (r == null && nameOrId.matches("\\d+")) {
            r = map.crush().rule(Integer.parseInt(nameOrId));
        }
        if (r == null) {
            throw CairnException.notFound("CRUSH rule '" + nameOrId + "' does not exist");
        }
        if (r.type() != Rule.TYPE_REPLICATED) {
            throw CairnException.invalid("CRUSH rule '" + r.name() + "' is not a replicated rule");
        }
        if (CrushEdits.mapsSomething(map.crush(), p.crushRule(), p.size())
                && !CrushEdits.mapsSomething(map.crush(), r.id(), p.size())) {
            throw CairnException.invalid("CRUSH rule '" + r.name() + "' maps no OSD; pool '" + p.name() + "' would be unplaceable");
        }
        return r.id();
    }

    static Map<String, Object> get(Pool p, String var) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", p.name());
        m.put("pool_id", p.id());
        switch (var) {
            case "size" -> m.put("size", p.size());
            case "min_size" -> m.put("min_size", p.minSize());
            case "pg_num" -> m.put("pg_num", p.pgNum());
            case "pgp_num" -> m.put("pgp_num", p.pgpNum());
            case "crush_rule" -> m.put("crush_rule", p.crushRule());
            default -> throw CairnException.invalid("unknown pool variable '" + var + "' (" + String.join(", ", VARIABLES) + ")");
        }
        return m;
    }
}
