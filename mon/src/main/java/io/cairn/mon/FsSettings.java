package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.Filesystem;

/**
 * Ceph's {@code fs set NAME VAR VALUE} for the settings Cairn keeps: max_mds, session_timeout,
 * session_autoclose, joinable and standby_count_wanted, with Ceph's checks and messages.
 */
final class FsSettings {
    private FsSettings() {}

    static CommandResult set(FsMap fs, CommandArgs a, long nowMs) {
        Filesystem f = FsCommands.require(fs, a);
        String var = a.str("var", "");
        if (var.isEmpty()) {
            throw CairnException.invalid("Invalid variable");
        }
        String val = a.str("val");
        Filesystem.Builder b = f.toBuilder();
        String message = "";
        switch (var) {
            case "max_mds" -> {
                long n = integer(val, "max_mds requires an integer value");
                if (n <= 0) {
                    throw CairnException.invalid("You must specify at least one MDS");
                }
                if (n > FsMap.RANKS_MAX) {
                    throw CairnException.invalid("may not have more than " + FsMap.RANKS_MAX + " MDS ranks");
                }
                // Ceph: raising max_mds also makes the file system joinable again
                b.setMaxMds((int) n).setJoinable(true);
                if (n > MdsStateChanges.ASSIGNED_RANKS_MAX) {
                    message = "max_mds is " + n + ", but Cairn gives a standby only rank 0 for now (one active MDS)";
                }
            }
            case "session_timeout" -> b.setSessionTimeoutS(seconds(var, val));
            case "session_autoclose" -> b.setSessionAutocloseS(seconds(var, val));
            case "standby_count_wanted" -> {
                long n = integer(val, var + " requires an integer value");
                if (n < 0) {
                    throw new CairnException(ErrorCode.ERANGE, var + " must be non-negative");
                }
                b.setStandbyCountWanted((int) Math.min(n, Integer.MAX_VALUE)).setStandbyCountWantedUnset(false);
            }
            case "joinable" -> {
                boolean joinable = bool(val);
                b.setJoinable(joinable);
                message = f.getName() + (joinable ? " marked joinable; MDS may join as newly active."
                        : " marked not joinable; MDS cannot join as newly active.");
            }
            default -> throw CairnException.invalid("unknown variable " + var);
        }
        FsMap.Edit e = fs.edit();
        e.putFilesystem(b.build());
        MdsStateChanges.assignRanks(e, nowMs);
        return e.changed() ? CommandResult.fsChanged(e.build(nowMs), message) : CommandResult.noop(message);
    }

    /** session_timeout and session_autoclose: whole seconds, at least 30. */
    private static int seconds(String var, String val) {
        long n = integer(val, var + " requires an integer value");
        if (n < 30) {
            throw new CairnException(ErrorCode.ERANGE, var + " must be at least 30s");
        }
        if (n > Integer.MAX_VALUE) {
            throw new CairnException(ErrorCode.ERANGE, var + " must be at most " + Integer.MAX_VALUE + "s");
        }
        return (int) n;
    }

    private static long integer(String val, String error) {
        try {
            return Long.parseLong(val.strip());
        } catch (NumberFormatException e) {
            throw CairnException.invalid(error);
        }
    }

    /** Ceph's parse_bool. */
    private static boolean bool(String val) {
        switch (val) {
            case "true", "yes", "1" -> {
                return true;
            }
            case "false", "no", "0" -> {
                return false;
            }
            default -> throw CairnException.invalid("value must be false|no|0 or true|yes|1");
        }
    }
}
