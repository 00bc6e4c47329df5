package io.cairn.crush;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Prints a map in the text form {@code crushtool -d} prints: tunables that differ from the legacy
 * values, devices, types, buckets children-first, rules. Shadow buckets appear only as the
 * {@code id -K class C} lines of their originals. {@link CrushTextParser} reads it back to the same map.
 */
public final class CrushTextWriter {
    private final CrushMap map;
    private final StringBuilder out = new StringBuilder();

    private CrushTextWriter(CrushMap map) {
        this.map = map;
    }

    public static String write(CrushMap map) {
        return new CrushTextWriter(map).run();
    }

    /**
     * A 16.16 weight as crushtool prints it: the signed value divided by 65536 in float, shown with
     * three decimals (rounded from the exact binary value, as C's printf does).
     */
    public static String formatWeight(int weight16) {
        return formatWeight(weight16, 3);
    }

    /**
     * A 16.16 weight as C prints {@code (float)w / 0x10000} with {@code decimals} places: rounded
     * from the float's exact value (Java's own float formatting rounds a shorter decimal instead
     * and can differ in the last place).
     */
    public static String formatWeight(int weight16, int decimals) {
        float f = (float) weight16 / (float) 0x10000;
        return new BigDecimal(f).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    private String run() {
        out.append("# begin crush map\n");
        int[] values = map.tunables().values();
        int[] legacy = Tunables.LEGACY.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != legacy[i]) {
                out.append("tunable ").append(Tunables.NAMES[i]).append(' ').append(values[i]).append('\n');
            }
        }
        out.append("\n# devices\n");
        for (Device d : map.devices().values()) {
            out.append("device ").append(d.id()).append(' ').append(d.name());
            if (d.deviceClass() != null) {
                out.append(" class ").append(d.deviceClass());
            }
            out.append('\n');
        }
        out.append("\n# types\n");
        map.types().forEach((id, name) -> out.append("type ").append(id).append(' ').append(name).append('\n'));
        out.append("\n# buckets\n");
        Set<Integer> written = new HashSet<>();
        for (int index = 0; index < map.maxBuckets(); index++) {
            writeBucketTree(-1 - index, written);
        }
        out.append("\n# rules\n");
        for (Rule r : map.rules()) {
            writeRule(r);
        }
        out.append("\n# end crush map\n");
        return out.toString();
    }

    private void writeBucketTree(int id, Set<Integer> written) {
        Bucket b = map.bucket(id);
        if (b == null || map.isShadow(id) || !written.add(id)) {
            return;
        }
        for (int item : b.items) {
            if (item < 0) {
                writeBucketTree(item, written);
            }
        }
        writeBucket(b);
    }

    private void writeBucket(Bucket b) {
        out.append(map.typeName(b.typeId())).append(' ').append(map.name(b.id())).append(" {\n");
        out.append("\tid ").append(b.id()).append("\t\t# do not change unnecessarily\n");
        for (Map.Entry<Integer, Integer> e : map.shadowIds(b.id()).entrySet()) {
            out.append("\tid ").append(e.getValue()).append(" class ").append(map.classNames().get(e.getKey()))
                    .append("\t\t# do not change unnecessarily\n");
        }
        out.append("\t# weight ").append(formatWeight(b.weight())).append('\n');
        out.append("\talg ").append(b.algorithm().textName());
        boolean withPositions = false;
        switch (b.algorithm()) {
            case UNIFORM -> {
                out.append("\t# do not change bucket size (").append(b.size()).append(") unnecessarily");
                withPositions = true;
            }
            case LIST -> out.append("\t# add new items at the end; do not change order unnecessarily");
            case TREE -> {
                out.append("\t# do not change pos for existing items unnecessarily");
                withPositions = true;
            }
            case STRAW, STRAW2 -> { }
        }
        out.append('\n');
        out.append("\thash ").append(b.hash()).append("\t# rjenkins1\n");
        for (int i = 0; i < b.size(); i++) {
            out.append("\titem ").append(map.name(b.item(i))).append(" weight ").append(formatWeight(b.itemWeight(i)));
            if (withPositions) {
                out.append(" pos ").append(i);
            }
            out.append('\n');
        }
        out.append("}\n");
    }

    private void writeRule(Rule r) {
        out.append("rule ").append(r.name()).append(" {\n");
        out.append("\tid ").append(r.id()).append('\n');
        out.append("\ttype ").append(r.typeName()).append('\n');
        out.append("\tmin_size ").append(r.minSize()).append('\n');
        out.append("\tmax_size ").append(r.maxSize()).append('\n');
        for (RuleStep s : r.steps()) {
            out.append("\tstep ").append(stepText(s)).append('\n');
        }
        out.append("}\n");
    }

    private String stepText(RuleStep s) {
        return switch (s.op()) {
            case TAKE -> {
                int[] origin = map.shadowOrigin(s.arg1());
                yield origin == null ? "take " + map.name(s.arg1())
                        : "take " + map.name(origin[0]) + " class " + map.classNames().get(origin[1]);
            }
            case CHOOSE_FIRSTN, CHOOSE_INDEP, CHOOSELEAF_FIRSTN, CHOOSELEAF_INDEP ->
                    s.op().text() + " " + s.arg1() + " type " + map.typeName(s.arg2());
            case EMIT, NOOP -> s.op().text();
            case SET_CHOOSE_TRIES, SET_CHOOSELEAF_TRIES, SET_CHOOSE_LOCAL_TRIES,
                 SET_CHOOSE_LOCAL_FALLBACK_TRIES, SET_CHOOSELEAF_VARY_R, SET_CHOOSELEAF_STABLE ->
                    s.op().text() + " " + s.arg1();
        };
    }
}
