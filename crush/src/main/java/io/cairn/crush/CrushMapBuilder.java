package io.cairn.crush;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The editable form of a CRUSH map, from which {@link #build()} compiles an immutable
 * {@link CrushMap}: the monitors create and change maps through it, and the text parser fills it.
 * It holds the hierarchy as names, ids and item weights; bucket algorithms' derived data and the
 * device-class shadow trees are made only when building, the way crushtool makes them.
 *
 * <p>Weights are 16.16 fixed point ({@code 0x10000} = 1.0). Not thread-safe.
 */
public final class CrushMapBuilder {
    /** Ceph's default type hierarchy, as {@code ceph osd crush} creates it. */
    public static final List<String> DEFAULT_TYPES = List.of("osd", "host", "chassis", "rack", "row",
            "pdu", "pod", "room", "datacenter", "zone", "region", "root");
    public static final int MAX_RULES = 256;

    /** One item of a bucket: a device or bucket id and the weight the bucket gives it. */
    public record Item(int id, int weight) { }

    static final class BucketDef {
        final int id;
        String name;
        final int typeId;
        final BucketAlgorithm alg;
        final int hash;
        final List<Item> items = new ArrayList<>();

        BucketDef(int id, String name, int typeId, BucketAlgorithm alg, int hash) {
            this.id = id;
            this.name = name;
            this.typeId = typeId;
            this.alg = alg;
            this.hash = hash;
        }

        int weight() {
            if (alg == BucketAlgorithm.UNIFORM) {
                return items.isEmpty() ? 0 : items.size() * items.get(0).weight();
            }
            int sum = 0;
            for (Item i : items) {
                sum += i.weight();
            }
            return sum;
        }

        int indexOf(int item) {
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).id() == item) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A rule step before compiling: TAKE may name a device class, resolved to its shadow bucket. */
    record StepDef(RuleOp op, int arg1, int arg2, Integer classId) { }

    record RuleDef(int id, String name, int type, int minSize, int maxSize, List<StepDef> steps) { }

    Tunables tunables = Tunables.OPTIMAL;
    final SortedMap<Integer, Device> devices = new TreeMap<>();
    final SortedMap<Integer, String> types = new TreeMap<>();
    final Map<Integer, BucketDef> buckets = new LinkedHashMap<>();
    final SortedMap<Integer, String> classNames = new TreeMap<>();
    final Map<Integer, SortedMap<Integer, Integer>> classBuckets = new HashMap<>();
    final SortedMap<Integer, RuleDef> rules = new TreeMap<>();

    /** An empty map with optimal tunables and no types. */
    public CrushMapBuilder() {
    }

    /**
     * The map a new cluster starts with: Ceph's types, an empty root {@code default}, rule 0
     * {@code replicated_rule} spreading replicas over hosts, optimal tunables.
     */
    public static CrushMapBuilder newDefault() {
        CrushMapBuilder b = new CrushMapBuilder();
        for (int i = 0; i < DEFAULT_TYPES.size(); i++) {
            b.addType(i, DEFAULT_TYPES.get(i));
        }
        b.addBucket("default", "root");
        b.addReplicatedRule("replicated_rule", "default", "host", null);
        return b;
    }

    static CrushMapBuilder from(CrushMap map) {
        CrushMapBuilder b = new CrushMapBuilder();
        b.tunables = map.tunables();
        b.devices.putAll(map.devices());
        b.types.putAll(map.types());
        b.classNames.putAll(map.classNames());
        for (Bucket bucket : map.buckets()) {
            if (map.isShadow(bucket.id())) {
                continue;
            }
            BucketDef def = new BucketDef(bucket.id(), map.name(bucket.id()), bucket.typeId(),
                    bucket.algorithm(), bucket.hash());
            for (int i = 0; i < bucket.size(); i++) {
                def.items.add(new Item(bucket.item(i), bucket.itemWeight(i)));
            }
            b.buckets.put(def.id, def);
            if (!map.shadowIds(bucket.id()).isEmpty()) {
                b.classBuckets.put(bucket.id(), new TreeMap<>(map.shadowIds(bucket.id())));
            }
        }
        for (Rule r : map.rules()) {
            List<StepDef> steps = new ArrayList<>();
            for (RuleStep s : r.steps()) {
                int[] origin = s.op() == RuleOp.TAKE ? map.shadowOrigin(s.arg1()) : null;
                steps.add(origin != null ? new StepDef(RuleOp.TAKE, origin[0], 0, origin[1])
                        : new StepDef(s.op(), s.arg1(), s.arg2(), null));
            }
            b.rules.put(r.id(), new RuleDef(r.id(), r.name(), r.type(), r.minSize(), r.maxSize(), steps));
        }
        return b;
    }

    // ---- tunables and types ----

    public CrushMapBuilder tunables(Tunables t) {
        tunables = t;
        return this;
    }

    public Tunables tunables() {
        return tunables;
    }

    public CrushMapBuilder addType(int id, String name) {
        if (id < 0) {
            throw new CrushMapException("type id must be >= 0: " + id);
        }
        if (types.containsKey(id)) {
            throw new CrushMapException("duplicate type id " + id);
        }
        if (types.containsValue(name)) {
            throw new CrushMapException("duplicate type name '" + name + "'");
        }
        types.put(id, name);
        return this;
    }

    /** The type id for a name; throws if the map has no such type. */
    public int typeId(String name) {
        for (Map.Entry<Integer, String> e : types.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        throw new CrushMapException("unknown type '" + name + "'");
    }

    // ---- devices ----

    /** Declares a device (OSD). {@code deviceClass} may be null. */
    public CrushMapBuilder addDevice(int id, String name, String deviceClass) {
        if (id < 0) {
            throw new CrushMapException("device id must be >= 0: " + id);
        }
        if (devices.containsKey(id)) {
            throw new CrushMapException("duplicate device id " + id);
        }
        checkNameFree(name);
        if (deviceClass != null) {
            classIdFor(deviceClass);
        }
        devices.put(id, new Device(id, name, deviceClass));
        return this;
    }

    /** Sets or clears (null) a device's class, as {@code ceph osd crush set-device-class}. */
    public CrushMapBuilder setDeviceClass(int id, String deviceClass) {
        Device d = requireDevice(id);
        if (deviceClass != null) {
            classIdFor(deviceClass);
        }
        devices.put(id, new Device(id, d.name(), deviceClass));
        return this;
    }

    private Device requireDevice(int id) {
        Device d = devices.get(id);
        if (d == null) {
            throw new CrushMapException("unknown device " + id);
        }
        return d;
    }

    /** The id of a class, creating it (next free id) if new. */
    int classIdFor(String name) {
        if (name.isEmpty() || name.contains("~")) {
            throw new CrushMapException("bad device class name '" + name + "'");
        }
        for (Map.Entry<Integer, String> e : classNames.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        int id = 0;
        while (classNames.containsKey(id)) {
            id++;
        }
        classNames.put(id, name);
        return id;
    }

    public boolean hasClass(String name) {
        return classNames.containsValue(name);
    }

    /** A bucket's total weight (16.16): the sum of its item weights. */
    public int bucketWeight(int bucketId) {
        return requireBucket(bucketId).weight();
    }

    /** Records the id a bucket's shadow for a class must have ({@code id -K class C}). */
    public CrushMapBuilder setShadowId(int bucketId, String deviceClass, int shadowId) {
        requireBucket(bucketId);
        if (shadowId >= 0) {
            throw new CrushMapException("shadow bucket id must be negative: " + shadowId);
        }
        if (buckets.containsKey(shadowId) || shadowIdInUse(shadowId)) {
            throw new CrushMapException("duplicate bucket id " + shadowId);
        }
        int cls = classIdFor(deviceClass);
        SortedMap<Integer, Integer> byClass = classBuckets.computeIfAbsent(bucketId, k -> new TreeMap<>());
        if (byClass.containsKey(cls)) {
            throw new CrushMapException("bucket " + bucketId + " already has a shadow id for class " + deviceClass);
        }
        byClass.put(cls, shadowId);
        return this;
    }

    private boolean shadowIdInUse(int id) {
        for (SortedMap<Integer, Integer> m : classBuckets.values()) {
            if (m.containsValue(id)) {
                return true;
            }
        }
        return false;
    }

    // ---- buckets ----

    /** Adds an empty straw2 bucket with the next free id; returns the id. */
    public int addBucket(String name, String typeName) {
        return addBucket(nextBucketId(), name, typeName, BucketAlgorithm.STRAW2, CrushHash.RJENKINS1);
    }

    /** Adds an empty bucket with an explicit id and algorithm; returns the id. */
    public int addBucket(int id, String name, String typeName, BucketAlgorithm alg, int hash) {
        if (id >= 0) {
            throw new CrushMapException("bucket id must be negative: " + id);
        }
        if (buckets.containsKey(id) || shadowIdInUse(id)) {
            throw new CrushMapException("duplicate bucket id " + id);
        }
        if (hash != CrushHash.RJENKINS1) {
            throw new CrushMapException("unknown hash " + hash + " (only 0, rjenkins1)");
        }
        checkNameFree(name);
        int typeId = typeId(typeName);
        if (typeId == 0) {
            throw new CrushMapException("bucket '" + name + "' cannot have the device type '" + typeName + "'");
        }
        buckets.put(id, new BucketDef(id, name, typeId, alg, hash));
        return id;
    }

    /** The lowest-magnitude negative id no bucket (or shadow bucket) uses, as Ceph picks it. */
    public int nextBucketId() {
        int id = -1;
        while (buckets.containsKey(id) || shadowIdInUse(id)) {
            id--;
        }
        return id;
    }

    /**
     * Appends an item to a bucket with an explicit weight, as a text map's {@code item} line does
     * (ancestor weights are left as written). Use {@link #link} to have weights follow.
     */
    public CrushMapBuilder addItem(int bucketId, int itemId, int weight) {
        BucketDef b = requireBucket(bucketId);
        requireItem(itemId);
        if (b.indexOf(itemId) >= 0) {
            throw new CrushMapException("item " + nameOf(itemId) + " is already in bucket " + b.name);
        }
        if (b.alg == BucketAlgorithm.UNIFORM && !b.items.isEmpty() && b.items.get(0).weight() != weight) {
            throw new CrushMapException("uniform bucket " + b.name + " needs items of equal weight");
        }
        b.items.add(new Item(itemId, weight));
        return this;
    }

    /**
     * Puts an item under a bucket, weighing a bucket item at its own total, and updates every
     * ancestor's weight ({@code ceph osd crush link / add}). Refuses a move that would make a cycle.
     */
    public CrushMapBuilder link(int itemId, int parentId, int weight) {
        requireBucket(parentId);
        if (itemId < 0 && (itemId == parentId || isAncestor(itemId, parentId))) {
            throw new CrushMapException("moving " + nameOf(itemId) + " under " + nameOf(parentId)
                    + " would make a cycle");
        }
        addItem(parentId, itemId, weight);
        propagateWeight(parentId, new HashSet<>());
        return this;
    }

    /** Links a bucket under a parent at the bucket's current total weight. */
    public CrushMapBuilder link(int bucketId, int parentId) {
        return link(bucketId, parentId, requireBucket(bucketId).weight());
    }

    /** Takes an item out of one bucket and updates the ancestors' weights. */
    public CrushMapBuilder unlink(int itemId, int parentId) {
        BucketDef b = requireBucket(parentId);
        int idx = b.indexOf(itemId);
        if (idx < 0) {
            throw new CrushMapException(nameOf(itemId) + " is not in bucket " + b.name);
        }
        b.items.remove(idx);
        propagateWeight(parentId, new HashSet<>());
        return this;
    }

    /** Moves a bucket (or device) from wherever it is to under {@code newParentId}. */
    public CrushMapBuilder move(int itemId, int newParentId) {
        requireItem(itemId);
        int weight = itemId < 0 ? requireBucket(itemId).weight() : currentWeight(itemId);
        if (itemId < 0 && (itemId == newParentId || isAncestor(itemId, newParentId))) {
            throw new CrushMapException("moving " + nameOf(itemId) + " under " + nameOf(newParentId)
                    + " would make a cycle");
        }
        for (int parent : parentsOf(itemId)) {
            unlink(itemId, parent);
        }
        return link(itemId, newParentId, weight);
    }

    /** Creates a host bucket under a parent (a rack or root) and returns its id. */
    public int addHost(String hostName, int parentId) {
        int id = addBucket(hostName, "host");
        link(id, parentId, 0);
        return id;
    }

    /** Creates a rack bucket under a parent (a row or root) and returns its id. */
    public int addRack(String rackName, int parentId) {
        int id = addBucket(rackName, "rack");
        link(id, parentId, 0);
        return id;
    }

    /**
     * Sets a device's weight in every bucket that holds it and carries the change up to the root
     * ({@code ceph osd crush reweight}).
     */
    public CrushMapBuilder setDeviceWeight(int deviceId, int weight) {
        requireDevice(deviceId);
        List<Integer> parents = parentsOf(deviceId);
        if (parents.isEmpty()) {
            throw new CrushMapException("device " + nameOf(deviceId) + " is in no bucket");
        }
        for (int parent : parents) {
            BucketDef b = buckets.get(parent);
            b.items.set(b.indexOf(deviceId), new Item(deviceId, weight));
            propagateWeight(parent, new HashSet<>());
        }
        return this;
    }

    /** Removes a device from every bucket and from the device list. */
    public CrushMapBuilder removeDevice(int deviceId) {
        requireDevice(deviceId);
        for (int parent : parentsOf(deviceId)) {
            unlink(deviceId, parent);
        }
        devices.remove(deviceId);
        return this;
    }

    /** Removes an empty bucket that no rule takes. */
    public CrushMapBuilder removeBucket(int bucketId) {
        BucketDef b = requireBucket(bucketId);
        if (!b.items.isEmpty()) {
            throw new CrushMapException("bucket " + b.name + " is not empty");
        }
        for (RuleDef r : rules.values()) {
            for (StepDef s : r.steps()) {
                if (s.op() == RuleOp.TAKE && s.arg1() == bucketId) {
                    throw new CrushMapException("rule " + r.name() + " takes bucket " + b.name);
                }
            }
        }
        for (int parent : parentsOf(bucketId)) {
            unlink(bucketId, parent);
        }
        buckets.remove(bucketId);
        classBuckets.remove(bucketId);
        return this;
    }

    /** The weight the first bucket holding this item gives it, or 0. */
    private int currentWeight(int itemId) {
        for (BucketDef b : buckets.values()) {
            int idx = b.indexOf(itemId);
            if (idx >= 0) {
                return b.items.get(idx).weight();
            }
        }
        return 0;
    }

    /** Ids of the buckets that hold this item. */
    public List<Integer> parentsOf(int itemId) {
        List<Integer> parents = new ArrayList<>();
        for (BucketDef b : buckets.values()) {
            if (b.indexOf(itemId) >= 0) {
                parents.add(b.id);
            }
        }
        return parents;
    }

    /** True if {@code ancestor} holds {@code id}, directly or further down. */
    private boolean isAncestor(int ancestor, int id) {
        BucketDef a = buckets.get(ancestor);
        if (a == null) {
            return false;
        }
        List<Integer> stack = new ArrayList<>(List.of(ancestor));
        Set<Integer> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            BucketDef b = buckets.get(stack.remove(stack.size() - 1));
            if (b == null || !seen.add(b.id)) {
                continue;
            }
            for (Item i : b.items) {
                if (i.id() == id) {
                    return true;
                }
                if (i.id() < 0) {
                    stack.add(i.id());
                }
            }
        }
        return false;
    }

    /** After a bucket's contents changed, sets its weight in each parent, up to the roots. */
    private void propagateWeight(int bucketId, Set<Integer> visited) {
        if (!visited.add(bucketId)) {
            throw new CrushMapException("cycle through bucket " + nameOf(bucketId));
        }
        int weight = buckets.get(bucketId).weight();
        for (int parent : parentsOf(bucketId)) {
            BucketDef p = buckets.get(parent);
            p.items.set(p.indexOf(bucketId), new Item(bucketId, weight));
            propagateWeight(parent, visited);
        }
        visited.remove(bucketId);
    }

    private BucketDef requireBucket(int id) {
        BucketDef b = buckets.get(id);
        if (b == null) {
            throw new CrushMapException("unknown bucket " + id);
        }
        return b;
    }

    void requireItem(int id) {
        if (id >= 0 ? !devices.containsKey(id) : !buckets.containsKey(id)) {
            throw new CrushMapException("unknown item " + id);
        }
    }

    private void checkNameFree(String name) {
        if (name == null || name.isEmpty() || name.contains("~") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new CrushMapException("bad name '" + name + "'");
        }
        if (idOf(name) != null) {
            throw new CrushMapException("duplicate name '" + name + "'");
        }
    }

    /** The id of a device or bucket by name, or null. */
    public Integer idOf(String name) {
        for (Device d : devices.values()) {
            if (d.name().equals(name)) {
                return d.id();
            }
        }
        for (BucketDef b : buckets.values()) {
            if (b.name.equals(name)) {
                return b.id;
            }
        }
        return null;
    }

    String nameOf(int id) {
        if (id >= 0) {
            Device d = devices.get(id);
            return d == null ? "osd." + id : d.name();
        }
        BucketDef b = buckets.get(id);
        return b == null ? Integer.toString(id) : b.name;
    }

    // ---- rules ----

    /** Adds a rule from compiled steps; TAKE of a shadow bucket is not allowed here. */
    public CrushMapBuilder addRule(int id, String name, int type, int minSize, int maxSize, List<RuleStep> steps) {
        List<StepDef> defs = new ArrayList<>();
        for (RuleStep s : steps) {
            defs.add(new StepDef(s.op(), s.arg1(), s.arg2(), null));
        }
        return addRuleDef(new RuleDef(id, name, type, minSize, maxSize, defs));
    }

    /** Adds a {@code take} of a bucket restricted to one device class to a rule being assembled. */
    static RuleStep takeClass(int bucketId, int classId) {
        return new RuleStep(RuleOp.TAKE, bucketId, -1 - classId);
    }

    /**
     * Adds a rule where TAKE steps made by {@link #takeClass} name a class; used by the parser.
     */
    CrushMapBuilder addRuleWithClasses(int id, String name, int type, int minSize, int maxSize,
                                       List<RuleStep> steps) {
        List<StepDef> defs = new ArrayList<>();
        for (RuleStep s : steps) {
            if (s.op() == RuleOp.TAKE && s.arg2() < 0) {
                defs.add(new StepDef(RuleOp.TAKE, s.arg1(), 0, -1 - s.arg2()));
            } else {
                defs.add(new StepDef(s.op(), s.arg1(), s.arg2(), null));
            }
        }
        return addRuleDef(new RuleDef(id, name, type, minSize, maxSize, defs));
    }

    private CrushMapBuilder addRuleDef(RuleDef def) {
        if (def.id() < 0 || def.id() >= MAX_RULES) {
            throw new CrushMapException("rule id must be 0.." + (MAX_RULES - 1) + ": " + def.id());
        }
        if (rules.containsKey(def.id())) {
            throw new CrushMapException("duplicate rule id " + def.id());
        }
        for (RuleDef r : rules.values()) {
            if (r.name().equals(def.name())) {
                throw new CrushMapException("duplicate rule name '" + def.name() + "'");
            }
        }
        for (StepDef s : def.steps()) {
            if (s.op() == RuleOp.TAKE && (s.arg1() >= 0 ? !devices.containsKey(s.arg1())
                    : !buckets.containsKey(s.arg1()))) {
                throw new CrushMapException("rule " + def.name() + " takes unknown item " + s.arg1());
            }
            if (s.op().isChoose() && !types.containsKey(s.arg2())) {
                throw new CrushMapException("rule " + def.name() + " chooses unknown type " + s.arg2());
            }
        }
        rules.put(def.id(), def);
        return this;
    }

    /**
     * Adds {@code take ROOT [class C]; chooseleaf firstn 0 type T; emit} with the next free id, as
     * {@code ceph osd crush rule create-replicated}; returns the rule id.
     */
    public int addReplicatedRule(String name, String rootName, String failureDomainType, String deviceClass) {
        Integer root = idOf(rootName);
        if (root == null || root >= 0) {
            throw new CrushMapException("unknown bucket '" + rootName + "'");
        }
        int type = typeId(failureDomainType);
        int id = 0;
        while (rules.containsKey(id)) {
            id++;
        }
        RuleOp op = type == 0 ? RuleOp.CHOOSE_FIRSTN : RuleOp.CHOOSELEAF_FIRSTN;
        Integer cls = deviceClass == null ? null : classIdFor(deviceClass);
        addRuleDef(new RuleDef(id, name, Rule.TYPE_REPLICATED, 1, 10, List.of(
                new StepDef(RuleOp.TAKE, root, 0, cls),
                new StepDef(op, 0, type, null),
                new StepDef(RuleOp.EMIT, 0, 0, null))));
        return id;
    }

    public CrushMapBuilder removeRule(int ruleId) {
        if (rules.remove(ruleId) == null) {
            throw new CrushMapException("unknown rule " + ruleId);
        }
        return this;
    }

    // ---- build ----

    /** Compiles the map: validates it, builds every bucket and the device-class shadow trees ({@link CrushMapCompiler}). */
    public CrushMap build() {
        return new CrushMapCompiler(this).compile();
    }
}
