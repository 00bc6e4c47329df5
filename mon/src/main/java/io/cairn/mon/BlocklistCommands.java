package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.osdmap.EntityAddr;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ceph's {@code osd blocklist}: fenced client addresses in the OSDMap, which every OSD refuses ops
 * from (an MDS blocklists the clients it evicts). Pure functions of (map, arguments, proposer's
 * clock), like every write; the default expiry was settled from config before proposing
 * ({@link CommandPreparer}), and the leader proposes {@code osd blocklist expire} for lapsed entries.
 */
final class BlocklistCommands {
    static final String ADD = "osd blocklist add";
    static final String RM = "osd blocklist rm";
    static final String LS = "osd blocklist ls";
    /** Internal: drops the entries expired at the proposal's time (the leader's tick proposes it). */
    static final String EXPIRE = "osd blocklist expire";
    static final Set<String> WRITES = Set.of(ADD, RM, EXPIRE);
    /** Entries one expiry proposal removes at most: a bounded incremental; the rest go at the next tick. */
    static final int EXPIRE_PER_EPOCH_MAX = 1000;
    /** A longer fence is surely a typo (and would overflow a millisecond stamp long before it mattered). */
    private static final double EXPIRE_MAX_SECONDS = 100.0 * 365 * 86_400;
    /** Ceph's utime_t text: microseconds and the zone offset, here always UTC. */
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private BlocklistCommands() {}

    /** Ceph's old name, {@code osd blacklist add|rm|ls}, still accepted: scripts written against it keep working. */
    static CommandRequest unalias(CommandRequest req) {
        String old = "osd blacklist ";
        return req.getPrefix().startsWith(old)
                ? req.toBuilder().setPrefix("osd blocklist " + req.getPrefix().substring(old.length())).build() : req;
    }

    static CommandResult apply(OsdMap map, String prefix, CommandArgs a, long nowMs) {
        return switch (prefix) {
            case ADD -> add(map, a, nowMs);
            case RM -> rm(map, a, nowMs);
            case EXPIRE -> expire(map, nowMs);
            default -> throw CairnException.invalid("unknown blocklist command '" + prefix + "'");
        };
    }

    /** The address as the map keys it: {@code ip:port/nonce}, a bare IP meaning {@code ip:0/0}. */
    static String canonical(String text) {
        try {
            return EntityAddr.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw CairnException.invalid(e.getMessage());
        }
    }

    private static CommandResult add(OsdMap map, CommandArgs a, long nowMs) {
        String addr = canonical(a.str("addr"));
        double seconds = a.has("expire") ? a.decimal("expire")
                : CairnConfigKeys.Mon.BLOCKLIST_DEFAULT_EXPIRE.defaultValue().toMillis() / 1000.0;
        if (!(seconds > 0) || seconds > EXPIRE_MAX_SECONDS) {
            throw CairnException.invalid("expire must be more than 0 and at most " + (long) EXPIRE_MAX_SECONDS
                    + " seconds, not " + a.str("expire"));
        }
        long untilMs = nowMs + Math.round(seconds * 1000);
        OsdMap next = map.toBuilder().blocklistAdd(addr, untilMs).build(nowMs);
        return CommandResult.changed(next, "blocklisting " + addr + " until " + until(untilMs) + " ("
                + seconds(seconds) + " sec)");
    }

    private static CommandResult rm(OsdMap map, CommandArgs a, long nowMs) {
        String addr = canonical(a.str("addr"));
        if (!map.blocklist().containsKey(addr)) {
            // Ceph answers success: the address is not fenced, which is what was asked for
            return CommandResult.noop(addr + " isn't blocklisted");
        }
        return CommandResult.changed(map.toBuilder().blocklistRemove(addr).build(nowMs), "un-blocklisting " + addr);
    }

    private static CommandResult expire(OsdMap map, long nowMs) {
        List<String> gone = expired(map, nowMs);
        if (gone.isEmpty()) {
            return CommandResult.noop("no blocklist entry has expired");
        }
        OsdMap.Builder b = map.toBuilder();
        gone.forEach(b::blocklistRemove);
        return CommandResult.changed(b.build(nowMs), "expired " + gone.size() + " blocklist "
                + (gone.size() == 1 ? "entry" : "entries") + ": " + String.join(", ", gone.subList(0, Math.min(5,
                gone.size()))) + (gone.size() > 5 ? ", ..." : ""));
    }

    /** The entries lapsed at {@code nowMs}, in address order, at most {@link #EXPIRE_PER_EPOCH_MAX}. */
    static List<String> expired(OsdMap map, long nowMs) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : map.blocklist().entrySet()) {
            if (out.size() == EXPIRE_PER_EPOCH_MAX) {
                break;
            }
            if (e.getValue() <= nowMs) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** {@code osd blocklist ls}: "ADDR UNTIL" a line; the count goes to the status line, as in Ceph. */
    static CommandResult ls(OsdMap map) {
        StringBuilder plain = new StringBuilder();
        List<Object> json = new ArrayList<>();
        map.blocklist().forEach((addr, untilMs) -> {
            plain.append(addr).append(' ').append(until(untilMs)).append('\n');
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("addr", addr);
            e.put("until", until(untilMs));
            json.add(e);
        });
        return new CommandResult(ErrorCode.OK, "listed " + map.blocklist().size() + " entries", json, plain.toString(),
                null);
    }

    static String until(long ms) {
        return UNTIL.format(Instant.ofEpochMilli(ms));
    }

    /** Whole seconds without a fraction, as people type them; otherwise as given. */
    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
