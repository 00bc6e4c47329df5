package io.cairn.crush;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A compiled, immutable CRUSH map: devices, types, buckets (including the per-class shadow
 * buckets), rules and tunables. Safe to share between threads; each thread maps with its own
 * workspace. Build one with {@link CrushMapBuilder} or {@link CrushTextParser}.
 */
public final class CrushMap {
    /** A hole in an indep result: no item could be placed at that position. */
    public static final int ITEM_NONE = 0x7fffffff;
    /** Full weight (1.0 in 16.16) in the reweight vector: the device is in. */
    public static final int WEIGHT_IN = 0x10000;

    private final Tunables tunables;
    private final SortedMap<Integer, Device> devices;
    private final SortedMap<Integer, String> types;
    private final Bucket[] buckets;
    private final Map<Integer, String> bucketNames;
    private final Map<String, Integer> idsByName;
    private final SortedMap<Integer, String> classNames;
    private final Map<Integer, SortedMap<Integer, Integer>> classBuckets;
    private final Map<Integer, int[]> shadowOrigins;
    private final Rule[] rules;
    private final int maxDevices;
    private final ThreadLocal<Mapper> mappers = ThreadLocal.withInitial(() -> new Mapper(this));

    CrushMap(Tunables tunables, SortedMap<Integer, Device> devices, SortedMap<Integer, String> types,
             Bucket[] buckets, Map<Integer, String> bucketNames, SortedMap<Integer, String> classNames,
             Map<Integer, SortedMap<Integer, Integer>> classBuckets, Rule[] rules) {
        this.tunables = tunables;
        this.devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices));
        this.types = Collections.unmodifiableSortedMap(new TreeMap<>(types));
        this.buckets = buckets.clone();
        this.bucketNames = Map.copyOf(bucketNames);
        this.classNames = Collections.unmodifiableSortedMap(new TreeMap<>(classNames));
        Map<Integer, SortedMap<Integer, Integer>> cb = new HashMap<>();
        Map<Integer, int[]> origins = new HashMap<>();
        classBuckets.forEach((orig, byClass) -> {
            cb.put(orig, Collections.unmodifiableSortedMap(new TreeMap<>(byClass)));
            byClass.forEach((cls, shadow) -> origins.put(shadow, new int[] {orig, cls}));
        });
        this.classBuckets = Map.copyOf(cb);
        this.shadowOrigins = Map.copyOf(origins);
        this.rules = rules.clone();
        Map<String, Integer> ids = new HashMap<>();
        devices.values().forEach(d -> ids.put(d.name(), d.id()));
        bucketNames.forEach((id, name) -> ids.put(name, id));
        this.idsByName = Map.copyOf(ids);
        int max = devices.isEmpty() ? 0 : devices.lastKey() + 1;
        for (Bucket b : buckets) {
            if (b != null) {
                for (int item : b.items) {
                    max = Math.max(max, item + 1);
                }
            }
        }
        this.maxDevices = max;
    }

    public Tunables tunables() {
        return tunables;
    }

    /** One more than the highest device id, the length a reweight vector needs. */
    public int maxDevices() {
        return maxDevices;
    }

    /** Bucket slots: bucket id -1-i lives at index i. */
    public int maxBuckets() {
        return buckets.length;
    }

    Bucket bucketAt(int index) {
        return buckets[index];
    }

    /** The bucket with this (negative) id, or null. */
    public Bucket bucket(int id) {
        int index = -1 - id;
        return index >= 0 && index < buckets.length ? buckets[index] : null;
    }

    /** Every bucket, shadow ones included, in id order from -1 down. */
    public List<Bucket> buckets() {
        List<Bucket> list = new ArrayList<>();
        for (Bucket b : buckets) {
            if (b != null) {
                list.add(b);
            }
        }
        return list;
    }

    public SortedMap<Integer, Device> devices() {
        return devices;
    }

    public SortedMap<Integer, String> types() {
        return types;
    }

    public String typeName(int typeId) {
        return types.get(typeId);
    }

    /** The type id for a name, or null. */
    public Integer typeId(String name) {
        for (Map.Entry<Integer, String> e : types.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The name of a device or bucket, or null. */
    public String name(int id) {
        if (id >= 0) {
            Device d = devices.get(id);
            return d == null ? null : d.name();
        }
        return bucketNames.get(id);
    }

    /** The id of a device or bucket by name, or null. */
    public Integer id(String name) {
        return idsByName.get(name);
    }

    public SortedMap<Integer, String> classNames() {
        return classNames;
    }

    /** The class id for a class name, or null. */
    public Integer classId(String name) {
        for (Map.Entry<Integer, String> e : classNames.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Shadow bucket ids of a (non-shadow) bucket, by class id. */
    public SortedMap<Integer, Integer> shadowIds(int bucketId) {
        SortedMap<Integer, Integer> m = classBuckets.get(bucketId);
        return m == null ? Collections.emptySortedMap() : m;
    }

    Map<Integer, SortedMap<Integer, Integer>> classBuckets() {
        return classBuckets;
    }

    public boolean isShadow(int bucketId) {
        return shadowOrigins.containsKey(bucketId);
    }

    /** For a shadow bucket, {original bucket id, class id}; null otherwise. */
    public int[] shadowOrigin(int bucketId) {
        int[] o = shadowOrigins.get(bucketId);
        return o == null ? null : o.clone();
    }

    public Rule rule(int ruleId) {
        return ruleId >= 0 && ruleId < rules.length ? rules[ruleId] : null;
    }

    public List<Rule> rules() {
        List<Rule> list = new ArrayList<>();
        for (Rule r : rules) {
            if (r != null) {
                list.add(r);
            }
        }
        return list;
    }

    /** The rule with this name, or null. */
    public Rule rule(String name) {
        for (Rule r : rules) {
            if (r != null && r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The share of a rule's placements each device should get by CRUSH weight, as Ceph's
     * {@code get_rule_weight_osd_map}: for each TAKE, the devices below it weighted by their item
     * weights, normalised to sum to 1 within that take. Used for expected utilisation and for how
     * much a pool can still store.
     */
    public Map<Integer, Double> ruleWeights(int ruleId) {
        Rule r = rule(ruleId);
        if (r == null) {
            throw new IllegalArgumentException("no rule " + ruleId);
        }
        Map<Integer, Double> shares = new TreeMap<>();
        for (RuleStep step : r.steps()) {
            if (step.op() != RuleOp.TAKE) {
                continue;
            }
            Map<Integer, Long> below = new TreeMap<>();
            if (step.arg1() >= 0) {
                below.put(step.arg1(), (long) WEIGHT_IN);
            } else {
                collectDevices(step.arg1(), below, 0);
            }
            long sum = 0;
            for (long w : below.values()) {
                sum += w;
            }
            if (sum > 0) {
                for (Map.Entry<Integer, Long> e : below.entrySet()) {
                    shares.merge(e.getKey(), e.getValue() / (double) sum, Double::sum);
                }
            }
        }
        return shares;
    }

    private void collectDevices(int bucketId, Map<Integer, Long> out, int depth) {
        Bucket b = bucket(bucketId);
        if (b == null || depth > buckets.length) {
            return;
        }
        for (int i = 0; i < b.size(); i++) {
            int item = b.item(i);
            if (item >= 0) {
                out.merge(item, Integer.toUnsignedLong(b.itemWeight(i)), Long::sum);
            } else {
                collectDevices(item, out, depth + 1);
            }
        }
    }

    /** Non-shadow buckets that no other non-shadow bucket contains, in ascending id order. */
    public List<Integer> roots() {
        TreeSet<Integer> roots = new TreeSet<>();
        TreeSet<Integer> children = new TreeSet<>();
        for (Bucket b : buckets) {
            if (b != null && !isShadow(b.id())) {
                roots.add(b.id());
                for (int item : b.items) {
                    children.add(item);
                }
            }
        }
        roots.removeAll(children);
        return List.copyOf(roots);
    }

    /** True if some bucket holds this device. */
    public boolean isDevicePresent(int device) {
        for (Bucket b : buckets) {
            if (b != null) {
                for (int item : b.items) {
                    if (item == device) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The reweight vector crushtool starts from: {@link #WEIGHT_IN} for every device that some
     * bucket holds, 0 for the rest.
     */
    public int[] defaultWeights() {
        int[] w = new int[maxDevices];
        for (Bucket b : buckets) {
            if (b != null) {
                for (int item : b.items) {
                    if (item >= 0) {
                        w[item] = WEIGHT_IN;
                    }
                }
            }
        }
        return w;
    }

    /**
     * Runs rule {@code ruleId} for input x, writing up to {@code numRep} items into
     * {@code result}; returns how many it wrote. {@code weights} is the reweight vector (16.16,
     * index = device id; devices beyond its end are out). Allocation-free once this thread's
     * workspace has seen this numRep; safe to call from many threads at once.
     */
    public int map(int ruleId, int x, int numRep, int[] weights, int[] result) {
        return mapper().doRule(ruleId, x, result, numRep, weights, weights.length);
    }

    /** As {@link #map(int, int, int, int[], int[])}, returning a new array of exactly the result. */
    public int[] map(int ruleId, int x, int numRep, int[] weights) {
        int[] out = new int[Math.max(numRep, 0)];
        int n = map(ruleId, x, numRep, weights, out);
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** This thread's workspace for this map. */
    Mapper mapper() {
        return mappers.get();
    }

    /** Bucket choices this thread has made on this map so far: CRUSH's unit of work. */
    public long workCount() {
        return mapper().bucketChooses();
    }

    /** The CRUSH input for x in a pool, as {@code crushtool --pool-id} computes it. */
    public static int poolInput(int x, int poolId) {
        return CrushHash.hash32(x, poolId);
    }

    public CrushMapBuilder toBuilder() {
        return CrushMapBuilder.from(this);
    }
}
