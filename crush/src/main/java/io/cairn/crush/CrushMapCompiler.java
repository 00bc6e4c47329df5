package io.cairn.crush;

import io.cairn.crush.CrushMapBuilder.BucketDef;
import io.cairn.crush.CrushMapBuilder.Item;
import io.cairn.crush.CrushMapBuilder.RuleDef;
import io.cairn.crush.CrushMapBuilder.StepDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns a {@link CrushMapBuilder}'s definitions into an immutable {@link CrushMap}, as crushtool
 * compiles a text map: checks the hierarchy has no cycle and every item exists, builds each
 * bucket's algorithm data, makes the device-class shadow trees and resolves the rules' class
 * takes to them. Reads the builder, never changes it; one use.
 */
final class CrushMapCompiler {
    private final CrushMapBuilder defs;
    private final Tunables tunables;
    private final SortedMap<Integer, Device> devices;
    private final SortedMap<Integer, String> types;
    private final Map<Integer, BucketDef> buckets;
    private final SortedMap<Integer, String> classNames;
    private final Map<Integer, SortedMap<Integer, Integer>> classBuckets;
    private final SortedMap<Integer, RuleDef> rules;

    CrushMapCompiler(CrushMapBuilder defs) {
        this.defs = defs;
        this.tunables = defs.tunables;
        this.devices = defs.devices;
        this.types = defs.types;
        this.buckets = defs.buckets;
        this.classNames = defs.classNames;
        this.classBuckets = defs.classBuckets;
        this.rules = defs.rules;
    }

    /** The compiled map; a {@link CrushMapException} names what is wrong with the definitions. */
    CrushMap compile() {
        checkNoCycles();
        int maxIndex = 0;
        for (int id : buckets.keySet()) {
            maxIndex = Math.max(maxIndex, -id);
        }
        Map<Integer, Bucket> compiled = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        for (BucketDef def : buckets.values()) {
            for (Item i : def.items) {
                defs.requireItem(i.id());
            }
            compiled.put(def.id, compile(def.alg, def.id, def.typeId, def.hash, def.items));
            names.put(def.id, def.name);
        }
        Map<Integer, SortedMap<Integer, Integer>> shadows = new ShadowTrees(compiled, names).build();
        for (int id : compiled.keySet()) {
            maxIndex = Math.max(maxIndex, -id);
        }
        Bucket[] slots = new Bucket[maxIndex];
        compiled.forEach((id, b) -> slots[-1 - id] = b);
        Rule[] ruleSlots = new Rule[rules.isEmpty() ? 0 : rules.lastKey() + 1];
        for (RuleDef r : rules.values()) {
            List<RuleStep> steps = new ArrayList<>();
            for (StepDef s : r.steps()) {
                if (s.classId() != null) {
                    Integer shadow = shadows.getOrDefault(s.arg1(), new TreeMap<>()).get(s.classId());
                    if (shadow == null) {
                        throw new CrushMapException("rule " + r.name() + " takes " + defs.nameOf(s.arg1())
                                + " class " + classNames.get(s.classId()) + ", which has no shadow tree");
                    }
                    steps.add(RuleStep.take(shadow));
                } else {
                    steps.add(new RuleStep(s.op(), s.arg1(), s.arg2()));
                }
            }
            ruleSlots[r.id()] = new Rule(r.id(), r.name(), r.type(), r.minSize(), r.maxSize(), steps);
        }
        return new CrushMap(tunables, devices, types, slots, names, classNames, shadows, ruleSlots);
    }

    private Bucket compile(BucketAlgorithm alg, int id, int typeId, int hash, List<Item> items) {
        int[] ids = new int[items.size()];
        int[] ws = new int[items.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = items.get(i).id();
            ws[i] = items.get(i).weight();
        }
        return Bucket.create(alg, id, typeId, hash, ids, ws, tunables.strawCalcVersion());
    }

    private void checkNoCycles() {
        Map<Integer, Integer> state = new HashMap<>();
        for (int id : buckets.keySet()) {
            visit(id, state, new ArrayList<>());
        }
    }

    private void visit(int id, Map<Integer, Integer> state, List<String> path) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        path.add(defs.nameOf(id));
        if (s != null) {
            throw new CrushMapException("cycle in the hierarchy: " + String.join(" -> ", path));
        }
        state.put(id, 1);
        for (Item i : buckets.get(id).items) {
            if (i.id() < 0 && buckets.containsKey(i.id())) {
                visit(i.id(), state, path);
            }
        }
        state.put(id, 2);
        path.remove(path.size() - 1);
    }

    /**
     * Builds one shadow bucket per (bucket, device class) holding only that class's devices, as
     * crushtool does: roots in ascending id order, classes in id order, children first; a shadow
     * keeps the id recorded for it or gets the first id free in the map and in past shadows.
     */
    private final class ShadowTrees {
        private final Map<Integer, Bucket> compiled;
        private final Map<Integer, String> names;
        private final Map<Integer, SortedMap<Integer, Integer>> result = new HashMap<>();
        private final Set<Integer> usedIds = new HashSet<>();

        ShadowTrees(Map<Integer, Bucket> compiled, Map<Integer, String> names) {
            this.compiled = compiled;
            this.names = names;
            for (SortedMap<Integer, Integer> m : classBuckets.values()) {
                usedIds.addAll(m.values());
            }
        }

        Map<Integer, SortedMap<Integer, Integer>> build() {
            if (classNames.isEmpty()) {
                return result;
            }
            for (BucketDef b : buckets.values()) {
                if (b.alg == BucketAlgorithm.UNIFORM) {
                    // Ceph cannot build shadow trees over uniform buckets either (crushtool fails)
                    throw new CrushMapException("uniform bucket '" + b.name
                            + "' cannot be used with device classes; use straw2");
                }
            }
            Set<Integer> children = new HashSet<>();
            for (BucketDef b : buckets.values()) {
                for (Item i : b.items) {
                    children.add(i.id());
                }
            }
            List<Integer> roots = new ArrayList<>(new TreeMap<>(buckets).keySet());
            roots.removeAll(children);
            for (int root : roots) {
                for (int cls : classNames.keySet()) {
                    cloneFor(root, cls);
                }
            }
            return result;
        }

        private int cloneFor(int originalId, int cls) {
            Integer done = result.getOrDefault(originalId, new TreeMap<>()).get(cls);
            if (done != null) {
                return done;
            }
            BucketDef original = buckets.get(originalId);
            List<Item> items = new ArrayList<>();
            for (Item item : original.items) {
                if (item.id() >= 0) {
                    Device d = devices.get(item.id());
                    if (d != null && classNames.get(cls).equals(d.deviceClass())) {
                        items.add(item);
                    }
                } else {
                    int childShadow = cloneFor(item.id(), cls);
                    items.add(new Item(childShadow, compiled.get(childShadow).weight()));
                }
            }
            Integer id = classBuckets.getOrDefault(originalId, new TreeMap<>()).get(cls);
            if (id == null) {
                id = -1;
                while (compiled.containsKey(id) || buckets.containsKey(id) || usedIds.contains(id)) {
                    id--;
                }
            }
            usedIds.add(id);
            compiled.put(id, compile(original.alg, id, original.typeId, original.hash, items));
            names.put(id, original.name + "~" + classNames.get(cls));
            result.computeIfAbsent(originalId, k -> new TreeMap<>()).put(cls, id);
            return id;
        }
    }
}
