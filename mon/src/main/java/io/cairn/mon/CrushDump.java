package io.cairn.mon;

import io.cairn.crush.Bucket;
import io.cairn.crush.CrushMap;
import io.cairn.crush.Device;
import io.cairn.crush.Rule;
import io.cairn.crush.RuleStep;
import io.cairn.crush.Tunables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code osd crush dump}: the CRUSH map as JSON, in the shape of {@code crushtool --dump}. */
final class CrushDump {
    private CrushDump() {}

    static Map<String, Object> dump(CrushMap crush) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> devices = new ArrayList<>();
        for (Device d : crush.devices().values()) {
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("id", d.id());
            dj.put("name", d.name());
            if (d.deviceClass() != null) {
                dj.put("class", d.deviceClass());
            }
            devices.add(dj);
        }
        m.put("devices", devices);
        List<Object> types = new ArrayList<>();
        crush.types().forEach((id, name) -> types.add(Map.of("type_id", id, "name", name)));
        m.put("types", types);
        List<Object> buckets = new ArrayList<>();
        for (Bucket b : crush.buckets()) {
            Map<String, Object> bj = new LinkedHashMap<>();
            bj.put("id", b.id());
            bj.put("name", crush.name(b.id()));
            bj.put("type_id", b.typeId());
            bj.put("type_name", crush.typeName(b.typeId()));
            bj.put("weight", b.weight());
            bj.put("alg", b.algorithm().textName());
            bj.put("hash", "rjenkins1");
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < b.size(); i++) {
                items.add(Map.of("id", b.item(i), "weight", b.itemWeight(i), "pos", i));
            }
            bj.put("items", items);
            buckets.add(bj);
        }
        m.put("buckets", buckets);
        m.put("rules", crush.rules().stream().map(r -> (Object) rule(crush, r)).toList());
        Map<String, Object> t = new LinkedHashMap<>();
        Tunables tun = crush.tunables();
        int[] v = tun.values();
        for (int i = 0; i < Tunables.NAMES.length; i++) {
            t.put(Tunables.NAMES[i], v[i]);
        }
        t.put("profile", tun.profileName());
        m.put("tunables", t);
        m.put("choose_args", Map.of());
        return m;
    }

    static Map<String, Object> rule(CrushMap crush, Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule_id", r.id());
        m.put("rule_name", r.name());
        m.put("type", r.type());
        m.put("min_size", r.minSize());
        m.put("max_size", r.maxSize());
        List<Object> steps = new ArrayList<>();
        for (RuleStep s : r.steps()) {
            Map<String, Object> sj = new LinkedHashMap<>();
            sj.put("op", s.op().name().toLowerCase(Locale.ROOT));
            switch (s.op()) {
                case TAKE -> {
                    sj.put("item", s.arg1());
                    sj.put("item_name", crush.name(s.arg1()));
                }
                case CHOOSE_FIRSTN, CHOOSE_INDEP, CHOOSELEAF_FIRSTN, CHOOSELEAF_INDEP -> {
                    sj.put("num", s.arg1());
                    sj.put("type", crush.typeName(s.arg2()));
                }
                case EMIT, NOOP -> { }
                default -> sj.put("num", s.arg1());
            }
            steps.add(sj);
        }
        m.put("steps", steps);
        return m;
    }
}
