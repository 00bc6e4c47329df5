package io.cairn.mon;

import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster log lines an FsMap change makes (Ceph's clog lines from the MDS monitor): ranks
 * lost and taken, daemons going active, standbys dropped, ranks damaged. Each is {level, text}.
 */
final class FsLog {
    private FsLog() {}

    static List<String[]> events(FsMap before, FsMap after, CommandRequest cmd) {
        List<String[]> out = new ArrayList<>();
        String why = why(cmd);
        for (MdsDaemonInfo was : before.daemons()) {
            if (after.daemon(was.getGid()) != null) {
                continue;
            }
            if (was.getRank() < 0) {
                out.add(new String[] {"INF", cmd.getArgsOrDefault("reason", "").isEmpty()
                        ? "Standby daemon mds." + was.getName() + " removed" + why
                        : "Standby daemon mds." + was.getName() + " is not responding, dropping it"});
                continue;
            }
            String role = "rank " + was.getRank() + " of " + before.filesystem(was.getFscid()).getName();
            Filesystem now = after.filesystem(was.getFscid());
            if (now != null && now.getDamagedList().contains(was.getRank())) {
                out.add(new String[] {"ERR", "daemon mds." + was.getName() + " reported " + role + " damaged"});
            } else {
                out.add(new String[] {"WRN", "daemon mds." + was.getName() + " failed as " + role + why});
            }
        }
        for (MdsDaemonInfo d : after.daemons()) {
            MdsDaemonInfo was = before.daemon(d.getGid());
            if (d.getRank() < 0) {
                continue;
            }
            String fs = after.filesystem(d.getFscid()).getName();
            if (was == null || was.getRank() < 0) {
                out.add(new String[] {"INF", "Standby daemon mds." + d.getName() + " assigned to filesystem " + fs
                        + " as rank " + d.getRank()});
            }
            if (MdsState.of(d) == MdsState.ACTIVE && (was == null || MdsState.of(was) != MdsState.ACTIVE)) {
                out.add(new String[] {"INF", "daemon mds." + d.getName() + " is now active in filesystem " + fs
                        + " as rank " + d.getRank()});
            }
        }
        return out;
    }

    private static String why(CommandRequest cmd) {
        String reason = cmd.getArgsOrDefault("reason", "");
        if (!reason.isEmpty()) {
            return " (" + reason + ")";
        }
        if (cmd.getPrefix().equals("mds boot")) {
            return " (restarted as gid " + cmd.getArgsOrDefault("gid", "?") + ")";
        }
        return " (" + cmd.getPrefix() + (cmd.getEntity().isEmpty() ? "" : " by " + cmd.getEntity()) + ")";
    }
}
