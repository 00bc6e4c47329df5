package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.proto.v1.CommandRequest;

/**
 * Settles what depends on the receiving monitor's own config before a command is proposed
 * (pool defaults, limits, whether pools may be deleted), so that applying it on every monitor
 * gives the same result whatever their configs say; and refuses config changes that would be
 * refused when applied, so they are never proposed.
 */
final class CommandPreparer {
    private CommandPreparer() {}

    static CommandRequest prepare(CommandRequest req, CairnConfig config) {
        if (ConfigCommands.WRITES.contains(req.getPrefix())) {
            // refused here, a bad config value is never proposed (and so never stored)
            return ConfigCommands.prepare(req);
        }
        CommandRequest.Builder b = req.toBuilder();
        CommandArgs a = new CommandArgs(req.getArgsMap());
        int maxPgNum = config.get(CairnConfigKeys.Mon.MAX_POOL_PG_NUM);
        switch (req.getPrefix()) {
            case "osd pool create" -> {
                int pgNum = a.integer("pg_num", config.get(CairnConfigKeys.Pool.DEFAULT_PG_NUM));
                int size = a.integer("size", config.get(CairnConfigKeys.Pool.DEFAULT_SIZE));
                int configuredMin = config.get(CairnConfigKeys.Pool.DEFAULT_MIN_SIZE);
                int minSize = a.integer("min_size", configuredMin > 0 ? Math.min(configuredMin, size) : size - size / 2);
                b.putArgs("pg_num", Integer.toString(pgNum));
                b.putArgs("pgp_num", Integer.toString(a.integer("pgp_num", pgNum)));
                b.putArgs("size", Integer.toString(size));
                b.putArgs("min_size", Integer.toString(minSize));
                b.putArgs("max_pg_num", Integer.toString(maxPgNum));
            }
            case "osd pool set" -> b.putArgs("max_pg_num", Integer.toString(maxPgNum));
            case BlocklistCommands.ADD -> {
                if (!a.has("expire")) {
                    // this monitor's default, settled here so every monitor applies the same expiry
                    long ms = config.get(CairnConfigKeys.Mon.BLOCKLIST_DEFAULT_EXPIRE).toMillis();
                    b.putArgs("expire", java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString());
                }
            }
            case "osd pool rm" -> {
                if (!config.get(CairnConfigKeys.Mon.ALLOW_POOL_DELETE)) {
                    throw new CairnException(ErrorCode.EPERM, "pool deletion is disabled; you must first set the "
                            + "mon_allow_pool_delete config option to true before you can destroy a pool");
                }
            }
            default -> { }
        }
        return b.build();
    }
}
