package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.crush.CrushMapBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** OSD state changes: boot, down, in/out (by command or by the monitors), removal. */
final class OsdLifecycle {
    private OsdLifecycle() {}

    /**
     * An OSD process announces itself: up at its address, placed in CRUSH under its host the first
     * time (Ceph's crush create-or-move on start), and marked in on its first boot or when the
     * monitors had marked it out (unless noin).
     */
    static CommandResult boot(OsdMap map, CommandArgs a, long nowMs) {
        int id = a.integer("id");
        OsdInfo o = WriteCommands.requireOsd(map, id);
        String uuid = a.str("uuid", "");
        if (o.destroyed()) {
            throw CairnException.invalid("osd." + id + " is destroyed: prepare a new OSD with its id (cairn osd "
                    + "prepare --osd-id " + id + ")");
        }
        if (!o.uuid().isEmpty() && !uuid.equals(o.uuid())) {
            throw CairnException.invalid("osd." + id + " has uuid " + o.uuid() + ", not " + uuid);
        }
        if (map.hasFlag(ClusterFlag.NOUP)) {
            throw new CairnException(ErrorCode.EAGAIN, "noup is set: osd." + id + " stays down");
        }
        String addr = a.str("addr");
        String host = a.str("host", "localhost");
        if (o.up() && o.address().equals(addr)) {
            return CommandResult.noop("osd." + id + " is already up");
        }
        OsdMap.Builder b = map.toBuilder();
        OsdInfo next = o.withUp(true, map.epoch() + 1, nowMs, addr, host);
        boolean firstBoot = o.upFrom() == 0 && o.weight() == 0 && !o.autoOut();
        if ((firstBoot || o.autoOut()) && !map.hasFlag(ClusterFlag.NOIN)) {
            next = next.withWeight(OsdInfo.WEIGHT_IN);
        }
        b.putOsd(next);
        if (map.crush().name(id) == null || !map.crush().isDevicePresent(id)) {
            CrushMapBuilder cb = map.crush().toBuilder();
            if (cb.idOf("osd." + id) == null) {
                cb.addDevice(id, "osd." + id, a.has("class") ? a.str("class") : null);
            }
            int parent = CrushEdits.ensureLocation(cb, bootLocation(a, host));
            double w = a.has("weight") ? a.decimal("weight") : 1.0;
            cb.link(id, parent, CrushEdits.weight16(w <= 0 ? 1.0 : w));
            b.crush(CrushEdits.build(cb));
        }
        return CommandResult.changed(b.build(nowMs), "osd." + id + " booted");
    }

    /**
     * Where a new OSD goes: its crush_location (e.g. {@code rack=r1 host=h1}), its host always the
     * one it booted with, under root {@code default} unless the location names a root.
     */
    static Map<String, String> bootLocation(CommandArgs a, String host) {
        Map<String, String> loc = new java.util.LinkedHashMap<>(a.location("crush_location"));
        loc.put("host", host);
        loc.putIfAbsent("root", "default");
        return loc;
    }

    /** Marks OSDs down, by command or ({@code byMonitors}) by a failure decision, which nodown blocks. */
    /**
     * An OSD about to go active as a primary asks for up_thru (Ceph's MOSDAlive): once the map
     * records that it was alive through epoch {@code want}, later peerings know the interval it
     * leads may have accepted writes.
     */
    static CommandResult alive(OsdMap map, CommandArgs a, long nowMs) {
        int id = a.integer("id");
        int want = a.integer("want");
        OsdInfo o = WriteCommands.requireOsd(map, id);
        if (!o.up()) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + id + " is down");
        }
        if (want <= 0 || want > map.epoch()) {
            throw CairnException.invalid("up_thru " + want + " must be 1.." + map.epoch());
        }
        if (o.upThru() >= want) {
            return CommandResult.noop("osd." + id + " up_thru is already " + o.upThru());
        }
        return CommandResult.changed(map.toBuilder().putOsd(o.withUpThru(want)).build(nowMs),
                "osd." + id + " up_thru " + want);
    }

    static CommandResult markDown(OsdMap map, List<Integer> ids, long nowMs, boolean byMonitors) {
        if (byMonitors && map.hasFlag(ClusterFlag.NODOWN)) {
            return CommandResult.noop("nodown is set");
        }
        OsdMap.Builder b = map.toBuilder();
        List<String> done = new ArrayList<>();
        for (int id : ids) {
            OsdInfo o = WriteCommands.requireOsd(map, id);
            if (o.up()) {
                b.putOsd(o.withUp(false, map.epoch() + 1, nowMs, o.address(), o.host()));
                done.add("osd." + id);
            }
        }
        if (done.isEmpty()) {
            return CommandResult.noop("osd(s) already down");
        }
        return CommandResult.changed(b.build(nowMs), "marked down " + String.join(", ", done));
    }

    static CommandResult setIn(OsdMap map, List<Integer> ids, boolean in, boolean byMonitors, long nowMs) {
        OsdMap.Builder b = map.toBuilder();
        List<String> done = new ArrayList<>();
        for (int id : ids) {
            OsdInfo o = WriteCommands.requireOsd(map, id);
            if (o.in() != in) {
                b.putOsd(o.withWeight(in ? OsdInfo.WEIGHT_IN : 0, byMonitors));
                done.add("osd." + id);
            }
        }
        if (done.isEmpty()) {
            return CommandResult.noop("osd(s) already " + (in ? "in" : "out"));
        }
        return CommandResult.changed(b.build(nowMs), "marked " + (in ? "in " : "out ") + String.join(", ", done));
    }

    /**
     * The monitors mark long-down OSDs out: never with noout, never an OSD that came back up, and
     * never below {@code min_in_ratio} of existing OSDs in (the proposer passes its ratio).
     */
    static CommandResult autoOut(OsdMap map, CommandArgs a, long nowMs) {
        if (map.hasFlag(ClusterFlag.NOOUT)) {
            return CommandResult.noop("noout is set");
        }
        double minInRatio = a.decimal("min_in_ratio");
        int existing = map.numOsds();
        int in = map.numInOsds();
        List<Integer> chosen = new ArrayList<>();
        for (int id : a.osdIds("ids", List.of())) {
            OsdInfo o = map.osd(id);
            // a drive whose copies keep failing scrub is taken out while still up (osd_scrub_auto_out_on_errors)
            if (o == null || !o.exists() || (o.up() && !a.flag("up_ok")) || !o.in()) {
                continue;
            }
            if (existing == 0 || (in - 1) / (double) existing < minInRatio) {
                break;
            }
            in--;
            chosen.add(id);
        }
        if (chosen.isEmpty()) {
            return CommandResult.noop("no osd marked out");
        }
        return setIn(map, chosen, false, true, nowMs);
    }

    /** Removes down OSDs from the map and from CRUSH. */
    /**
     * Ceph's {@code osd purge ID --yes-i-really-mean-it}: an OSD that is down leaves the map and
     * CRUSH for good, its id free for the next {@code osd create}. An id already gone is no error.
     */
    static CommandResult purge(OsdMap map, CommandArgs a, long nowMs) {
        int id = a.integer("id");
        if (!a.flag("yes_i_really_mean_it")) {
            throw new CairnException(ErrorCode.EPERM, "this command will remove osd." + id + " and its data for good; "
                    + "add --yes-i-really-mean-it if you are sure");
        }
        OsdInfo o = map.osd(id);
        if (o == null || !o.exists()) {
            return CommandResult.noop("osd." + id + " does not exist");
        }
        CommandResult r = remove(map, List.of(id), nowMs);
        return CommandResult.changed(r.newMap(), "purged osd." + id);
    }

    /**
     * Ceph's {@code osd destroy ID --yes-i-really-mean-it}: a down OSD is marked destroyed and out;
     * its id and CRUSH place stay for the disk that replaces it ({@code osd create NEWUUID ID}),
     * and its old store may no longer boot.
     */
    static CommandResult destroy(OsdMap map, CommandArgs a, long nowMs) {
        int id = a.integer("id");
        if (!a.flag("yes_i_really_mean_it")) {
            throw new CairnException(ErrorCode.EPERM, "osd." + id + " will be destroyed: its data is lost for good "
                    + "unless other copies exist; add --yes-i-really-mean-it if you are sure");
        }
        OsdInfo o = WriteCommands.requireOsd(map, id);
        if (o.up()) {
            throw new CairnException(ErrorCode.EBUSY, "osd." + id + " is still up; must be down before destroy");
        }
        if (o.destroyed()) {
            return CommandResult.noop("osd." + id + " is already destroyed");
        }
        OsdMap next = map.toBuilder().putOsd(o.asDestroyed()).build(nowMs);
        return CommandResult.changed(next, "destroyed osd." + id);
    }

    static CommandResult remove(OsdMap map, List<Integer> ids, long nowMs) {
        OsdMap.Builder b = map.toBuilder();
        CrushMapBuilder cb = map.crush().toBuilder();
        boolean crushChanged = false;
        for (int id : ids) {
            OsdInfo o = WriteCommands.requireOsd(map, id);
            if (o.up()) {
                throw new CairnException(ErrorCode.EBUSY, "osd." + id + " is still up; must be down before removal");
            }
            b.removeOsd(id);
            if (cb.idOf("osd." + id) != null) {
                cb.removeDevice(id);
                crushChanged = true;
            }
        }
        if (crushChanged) {
            b.crush(CrushEdits.build(cb));
        }
        return CommandResult.changed(b.build(nowMs), "removed " + ids.stream().map(i -> "osd." + i).toList());
    }
}
