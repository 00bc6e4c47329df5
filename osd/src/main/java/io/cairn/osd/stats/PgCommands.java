package io.cairn.osd.stats;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.osd.pg.ListCursor;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.scrub.PgScrubber;
import io.cairn.osd.scrub.ScrubMapBuilder;
import io.cairn.osd.scrub.ScrubSchedule;
import io.cairn.proto.v1.PgCommandReply;
import io.cairn.proto.v1.PgCommandRequest;
import io.cairn.proto.v1.ScrubMapReply;
import io.cairn.proto.v1.ScrubMapRequest;
import java.util.Map;

/**
 * The per-PG commands an operator sends a PG's primary ({@code pg scrub|deep-scrub|repair|query},
 * {@code list-inconsistent-obj}) and the scrub map a primary asks each member for.
 */
public final class PgCommands {
    private final MapGate maps;
    private final PgStates states;
    private final PgScrubber scrubber;
    private final ScrubMapBuilder scrubMaps;
    private final int me;

    public PgCommands(MapGate maps, PgStates states, PgScrubber scrubber, ScrubMapBuilder scrubMaps, int me) {
        this.maps = maps;
        this.states = states;
        this.scrubber = scrubber;
        this.scrubMaps = scrubMaps;
        this.me = me;
    }

    private static Pool existing(OsdMap map, PgId pg) {
        Pool pool = map.pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            throw CairnException.notFound("pg " + pg + " does not exist");
        }
        return pool;
    }

    /** This member's summary of one chunk of a PG, for the primary's scrub. */
    public ScrubMapReply scrubMap(ScrubMapRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        existing(map, pg);
        if (!map.mapPg(pg).acting().contains(me)) {
            throw new CairnException(ErrorCode.ESTALE, "osd." + me + " is not in pg " + pg + " in epoch " + map.epoch());
        }
        return ScrubMapReply.newBuilder().addAllObjects(scrubMaps.build(CollectionId.of(pg.toString()),
                ListCursor.decodeOptional(req.getStartAfter()), ListCursor.decodeOptional(req.getEnd()),
                req.getDeep())).build();
    }

    public PgCommandReply pgCommand(PgCommandRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        Pool pool = existing(map, pg);
        var reply = PgCommandReply.newBuilder().setEpoch(map.epoch());
        if (map.mapPg(pg).actingPrimary() != me) {
            return reply.setCode(ErrorCode.ESTALE.code())
                    .setMessage("osd." + me + " is not the primary of " + pg + " in epoch " + map.epoch()).build();
        }
        ScrubSchedule.Kind kind = switch (req.getCommand()) {
            case "scrub" -> ScrubSchedule.Kind.SHALLOW;
            case "deep-scrub" -> ScrubSchedule.Kind.DEEP;
            case "repair" -> ScrubSchedule.Kind.REPAIR;
            case "list-inconsistent-obj", "query" -> null;
            default -> throw CairnException.invalid("unknown pg command '" + req.getCommand()
                    + "' (scrub, deep-scrub, repair, list-inconsistent-obj, query)");
        };
        if (kind == null) {
            Object out = req.getCommand().equals("query") ? states.query(map, pg, pool) : scrubber.listInconsistent(pg);
            return reply.setOutputJson(Json.write(out, false)).build();
        }
        scrubber.request(pg, kind);
        String msg = "instructing pg " + pg + " on osd." + me + " to " + req.getCommand();
        return reply.setMessage(msg).setOutputJson(Json.write(Map.of("message", msg), false)).build();
    }
}
