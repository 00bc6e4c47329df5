package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.crush.Rule;
import java.util.Map;

/** The {@code osd crush ...} commands that edit the CRUSH map inside the OSDMap. */
final class CrushCommands {
    private CrushCommands() {}

    static CommandResult apply(OsdMap map, String prefix, CommandArgs a, long nowMs) {
        CrushMapBuilder b = map.crush().toBuilder();
        return switch (prefix) {
            case "osd crush add-bucket" -> {
                String name = a.str("name");
                if (b.idOf(name) != null) {
                    throw CairnException.exists("item '" + name + "' already exists");
                }
                int id = b.addBucket(name, a.str("type"));
                if (a.has("args")) {
                    b.link(id, CrushEdits.ensureLocation(b, a.location("args")));
                }
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs), "added bucket " + name + " type " + a.str("type"));
            }
            case "osd crush move" -> {
                String name = a.str("name");
                int id = requireItem(b, name);
                b.move(id, CrushEdits.ensureLocation(b, a.location("args")));
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs), "moved item " + name + " to " + a.str("args"));
            }
            case "osd crush add", "osd crush set" -> placeDevice(map, b, prefix.endsWith("set"), a, nowMs);
            case "osd crush reweight" -> {
                String name = a.str("name");
                int id = requireItem(b, name);
                if (id < 0) {
                    throw CairnException.invalid("'" + name + "' is a bucket; reweight its devices");
                }
                b.setDeviceWeight(id, CrushEdits.weight16(a.decimal("weight")));
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs),
                        "reweighted item " + name + " to " + a.str("weight") + " in crush map");
            }
            case "osd crush remove" -> {
                String name = a.str("name");
                int id = requireItem(b, name);
                if (id >= 0) {
                    b.removeDevice(id);
                } else {
                    b.removeBucket(id);
                }
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs), "removed item " + name + " from crush map");
            }
            case "osd crush rule create-replicated" -> {
                String name = a.str("name");
                if (map.crush().rule(name) != null) {
                    yield CommandResult.noop("rule " + name + " already exists");
                }
                String cls = a.str("class", null);
                if (cls != null && !b.hasClass(cls)) {
                    throw CairnException.notFound("device class '" + cls + "' does not exist");
                }
                int id = b.addReplicatedRule(name, a.str("root"), a.str("type"), cls);
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs), "created rule " + name,
                        Map.of("rule_id", id), "");
            }
            case "osd crush rule rm" -> {
                String name = a.str("name");
                Rule r = map.crush().rule(name);
                if (r == null) {
                    yield CommandResult.noop("rule " + name + " does not exist");
                }
                for (Pool p : map.pools().values()) {
                    if (p.crushRule() == r.id()) {
                        throw new CairnException(ErrorCode.EBUSY, "rule " + name + " is in use by pool '" + p.name() + "'");
                    }
                }
                b.removeRule(r.id());
                yield CommandResult.changed(WriteCommands.withCrush(map, b, nowMs), "removed rule " + name);
            }
            case "osd crush tunables" -> WriteCommands.tunables(map, a.str("profile"), nowMs);
            default -> throw CairnException.invalid("unknown command '" + prefix + "'");
        };
    }

    private static int requireItem(CrushMapBuilder b, String name) {
        Integer id = b.idOf(name);
        if (id == null) {
            throw CairnException.notFound("item '" + name + "' does not exist in the crush map");
        }
        return id;
    }

    /** add: put an OSD into CRUSH at a location; set: the same, moving it if it is elsewhere. */
    private static CommandResult placeDevice(OsdMap map, CrushMapBuilder b, boolean move, CommandArgs a, long nowMs) {
        String name = a.str("name");
        int osd = CommandArgs.parseOsd(name);
        WriteCommands.requireOsd(map, osd);
        int weight = CrushEdits.weight16(a.decimal("weight"));
        int parent = CrushEdits.ensureLocation(b, a.location("args"));
        if (b.idOf("osd." + osd) == null) {
            b.addDevice(osd, "osd." + osd, null);
        }
        var parents = b.parentsOf(osd);
        if (parents.contains(parent)) {
            b.setDeviceWeight(osd, weight);
        } else if (parents.isEmpty()) {
            b.link(osd, parent, weight);
        } else if (move) {
            b.move(osd, parent);
            b.setDeviceWeight(osd, weight);
        } else {
            throw CairnException.exists("osd." + osd + " is already in the crush map elsewhere; use osd crush set to move it");
        }
        return CommandResult.changed(WriteCommands.withCrush(map, b, nowMs),
                (move ? "set" : "add") + " item id " + osd + " name 'osd." + osd + "' weight " + a.str("weight")
                        + " at location {" + a.str("args", "root=default") + "} to crush map");
    }
}
