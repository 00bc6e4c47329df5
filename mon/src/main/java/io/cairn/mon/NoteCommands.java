package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.ClusterLogEntry;
import io.cairn.proto.v1.CommandRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Commands on the monitors' replicated notes beside the maps: the cluster log ({@code log MSG},
 * {@code log last [N]}) and health mutes ({@code health mute|unmute}); and the log lines a map
 * change itself makes (an OSD marked down, out, in, or booted).
 */
final class NoteCommands {
    /** Change the notes: proposed through Raft like the map commands. */
    static final Set<String> WRITES = Set.of("log", "health mute", "health unmute");
    /** Read from the state machine's notes (the log is not in the summary a read command gets). */
    static final String LOG_LAST = "log last";
    private static final int LOG_LAST_DEFAULT = 20;
    private static final int LOG_LAST_MAX = ClusterLog.KEPT;

    private NoteCommands() {}

    static CommandResult apply(ClusterLog log, HealthMutes mutes, CommandRequest req, long nowMs) {
        try {
            CommandArgs a = new CommandArgs(req.getArgsMap());
            return switch (req.getPrefix()) {
                case "log" -> {
                    String level = a.str("level", "INF").toUpperCase(java.util.Locale.ROOT);
                    if (!ClusterLog.LEVELS.contains(level)) {
                        throw CairnException.invalid("level must be one of " + ClusterLog.LEVELS);
                    }
                    String who = req.getEntity().isEmpty() ? "client.admin" : req.getEntity();
                    log.add(nowMs, who, level, a.str("logtext"));
                    yield CommandResult.ok(null, "");
                }
                case "health mute" -> {
                    String code = a.str("code");
                    long ttlMs = a.has("ttl") ? parseTtlMs(a.str("ttl")) : 0;
                    mutes.mute(code, ttlMs == 0 ? 0 : nowMs + ttlMs, a.flag("sticky"));
                    yield CommandResult.ok(null, "");
                }
                case "health unmute" -> {
                    String code = a.str("code");
                    if (!mutes.unmute(code)) {
                        yield CommandResult.noop("'" + code + "' is not muted");
                    }
                    yield CommandResult.ok(null, "");
                }
                default -> throw CairnException.invalid("unknown command '" + req.getPrefix() + "'");
            };
        } catch (CairnException e) {
            return CommandResult.error(e);
        }
    }

    /** {@code log last [N]}: the newest N entries, oldest first; {@code after} skips what a follower saw. */
    static CommandResult last(ClusterLog log, CommandRequest req) {
        try {
            CommandArgs a = new CommandArgs(req.getArgsMap());
            int n = a.integer("num", LOG_LAST_DEFAULT);
            if (n < 1 || n > LOG_LAST_MAX) {
                throw CairnException.invalid("num must be 1.." + LOG_LAST_MAX);
            }
            long after = a.has("after") ? Long.parseLong(a.str("after")) : 0;
            List<ClusterLogEntry> entries = log.last(n, after);
            StringBuilder plain = new StringBuilder();
            entries.forEach(e -> plain.append(ClusterLog.line(e)).append('\n'));
            return CommandResult.ok(entries.stream().map(ClusterLog::json).toList(), plain.toString());
        } catch (NumberFormatException e) {
            return CommandResult.error(CairnException.invalid("after must be a sequence number"));
        } catch (CairnException e) {
            return CommandResult.error(e);
        }
    }

    /** "30s", "10m", "2h", "1d", "1w", or plain seconds. */
    static long parseTtlMs(String ttl) {
        String t = ttl.strip().toLowerCase(java.util.Locale.ROOT);
        long unitMs = 1000;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 's' -> unitMs = 1000;
            case 'm' -> unitMs = 60_000;
            case 'h' -> unitMs = 3_600_000;
            case 'd' -> unitMs = 86_400_000;
            case 'w' -> unitMs = 7 * 86_400_000L;
            default -> last = ' ';
        }
        String digits = last == ' ' ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v <= 0 || v > 10L * 365 * 86_400_000 / unitMs) {
                throw new NumberFormatException();
            }
            return v * unitMs;
        } catch (NumberFormatException e) {
            throw CairnException.invalid("bad TTL '" + ttl + "' (e.g. 30s, 10m, 2h, 1d, 1w)");
        }
    }

    /** The cluster log lines of one map change: OSDs going down, up, out and in. */
    static List<String[]> mapEvents(OsdMap before, OsdMap after, CommandRequest cmd) {
        List<String[]> out = new ArrayList<>();
        String reason = cmd.getArgsOrDefault("reason", "");
        boolean byMon = cmd.getPrefix().equals("osd mark-down") || cmd.getPrefix().equals("osd auto-out");
        String why = reason.isEmpty() ? (byMon ? "" : " (" + cmd.getPrefix() + ")") : " (" + reason + ")";
        for (OsdInfo o : after.osds().values()) {
            OsdInfo was = before.osd(o.id());
            if (was == null || !was.exists() || !o.exists()) {
                continue;
            }
            boolean itself = cmd.getEntity().equals("osd." + o.id());
            if (was.up() && !o.up()) {
                out.add(new String[] {"WRN", "osd." + o.id() + (itself ? " marked itself down" : " marked down" + why)});
            } else if (!was.up() && o.up()) {
                out.add(new String[] {"INF", "osd." + o.id() + " boot"});
            }
            if (was.in() && !o.in()) {
                out.add(new String[] {"WRN", "osd." + o.id() + " marked out" + why});
            } else if (!was.in() && o.in() && !cmd.getPrefix().equals("osd boot")) {
                out.add(new String[] {"INF", "osd." + o.id() + " marked in" + why});
            }
        }
        return out;
    }
}
