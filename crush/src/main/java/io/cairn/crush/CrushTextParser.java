package io.cairn.crush;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the text form of a CRUSH map, the form {@code crushtool -d} prints, into a
 * {@link CrushMap} built the way {@code crushtool -c} builds it: tunables start from the legacy
 * values, weights convert through C float arithmetic, straw lengths use the straw_calc_version in
 * force, and every device class gets its shadow trees. Items may name buckets defined later in the
 * file. Every error is a {@link CrushMapException} naming the line.
 */
public final class CrushTextParser {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");

    private record Token(String text, int line) { }

    private record ItemLine(String name, Integer weight, Integer pos, int line) { }

    private record ClassId(int id, String className, int line) { }

    private static final class BucketText {
        String typeName;
        String name;
        int line;
        Integer id;
        int idLine;
        final List<ClassId> classIds = new ArrayList<>();
        BucketAlgorithm alg = BucketAlgorithm.STRAW2;
        int hash = CrushHash.RJENKINS1;
        final List<ItemLine> items = new ArrayList<>();
    }

    private final List<Token> tokens;
    private int pos;
    private final CrushMapBuilder builder = new CrushMapBuilder().tunables(Tunables.LEGACY);
    private final Map<String, BucketText> bucketsByName = new LinkedHashMap<>();
    private final Map<String, Integer> deviceIds = new HashMap<>();

    private CrushTextParser(String text) {
        tokens = tokenize(text);
    }

    /** Parses and compiles a text map. */
    public static CrushMap parse(String text) {
        return new CrushTextParser(text).run().build();
    }

    /** Parses a text map into an editable builder. */
    public static CrushMapBuilder parseToBuilder(String text) {
        return new CrushTextParser(text).run();
    }

    private static List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.replace("{", " { ").replace("}", " } ");
            for (String word : line.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    out.add(new Token(word, i + 1));
                }
            }
        }
        return out;
    }

    private CrushMapBuilder run() {
        List<BucketText> bucketOrder = new ArrayList<>();
        List<Integer> ruleStarts = new ArrayList<>();
        while (pos < tokens.size()) {
            Token t = next();
            switch (t.text()) {
                case "tunable" -> parseTunable();
                case "device" -> parseDevice(t);
                case "type" -> parseType(t);
                case "rule" -> {
                    // rules may take buckets defined after them: parse them once buckets are known
                    ruleStarts.add(pos - 1);
                    skipBlock(t);
                }
                case "choose_args" -> throw new CrushMapException(t.line(),
                        "choose_args (weight sets) are not supported");
                default -> {
                    BucketText b = parseBucketHeader(t);
                    parseBucketBody(b);
                    bucketOrder.add(b);
                }
            }
        }
        registerBuckets(bucketOrder);
        resolveItems(bucketOrder);
        for (int start : ruleStarts) {
            pos = start + 1;
            parseRule(tokens.get(start));
        }
        return builder;
    }

    // ---- tokens ----

    private Token next() {
        if (pos >= tokens.size()) {
            Token last = tokens.isEmpty() ? new Token("", 1) : tokens.get(tokens.size() - 1);
            throw new CrushMapException(last.line(), "unexpected end of map");
        }
        return tokens.get(pos++);
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private void expect(String word) {
        Token t = next();
        if (!t.text().equals(word)) {
            throw new CrushMapException(t.line(), "expected '" + word + "' but found '" + t.text() + "'");
        }
    }

    private int integer(Token t, String what) {
        if (!INTEGER.matcher(t.text()).matches()) {
            throw new CrushMapException(t.line(), "bad " + what + " '" + t.text() + "': not an integer");
        }
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw new CrushMapException(t.line(), "bad " + what + " '" + t.text() + "': out of range");
        }
    }

    /**
     * A text weight to 16.16 exactly as crushtool converts it: strtof, times 65536 in float
     * arithmetic, truncated to 64 bits and then to 32 (so 32768.0 and above come back negative).
     */
    static int weight(String text, int line) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new CrushMapException(line, "bad weight '" + text + "': not a decimal number");
        }
        float f = Float.parseFloat(text);
        if (!Float.isFinite(f) || Math.abs(f) >= 65536.0f) {
            throw new CrushMapException(line, "bad weight '" + text + "': out of range (|weight| < 65536)");
        }
        return (int) (long) (f * 65536.0f);
    }

    private void skipBlock(Token start) {
        while (pos < tokens.size() && !tokens.get(pos).text().equals("{")) {
            pos++;
        }
        expect("{");
        while (true) {
            if (pos >= tokens.size()) {
                throw new CrushMapException(start.line(), "'" + start.text() + "' block is not closed");
            }
            if (tokens.get(pos++).text().equals("}")) {
                return;
            }
        }
    }

    // ---- top-level lines ----

    private void parseTunable() {
        Token name = next();
        int value = integer(next(), "tunable value");
        try {
            builder.tunables(builder.tunables().with(name.text(), value));
        } catch (IllegalArgumentException e) {
            throw new CrushMapException(name.line(), e.getMessage());
        }
    }

    private void parseDevice(Token t) {
        int id = integer(next(), "device id");
        Token name = next();
        String cls = null;
        Token p = peek();
        if (p != null && p.text().equals("class") && p.line() == t.line()) {
            next();
            cls = next().text();
        }
        try {
            builder.addDevice(id, name.text(), cls);
        } catch (CrushMapException e) {
            throw new CrushMapException(t.line(), e.getMessage());
        }
        deviceIds.put(name.text(), id);
    }

    private void parseType(Token t) {
        int id = integer(next(), "type id");
        Token name = next();
        try {
            builder.addType(id, name.text());
        } catch (CrushMapException e) {
            throw new CrushMapException(t.line(), e.getMessage());
        }
    }

    // ---- buckets ----

    private BucketText parseBucketHeader(Token typeToken) {
        BucketText b = new BucketText();
        b.typeName = typeToken.text();
        b.line = typeToken.line();
        Token name = next();
        if (name.text().equals("{")) {
            throw new CrushMapException(typeToken.line(), "'" + typeToken.text() + "' is not a keyword, and a bucket needs a name");
        }
        try {
            builder.typeId(b.typeName);
        } catch (CrushMapException e) {
            throw new CrushMapException(typeToken.line(), "unknown type '" + b.typeName
                    + "' for bucket '" + name.text() + "'");
        }
        b.name = name.text();
        return b;
    }

    private void parseBucketBody(BucketText b) {
        expect("{");
        while (true) {
            Token t = next();
            switch (t.text()) {
                case "}" -> {
                    return;
                }
                case "id" -> {
                    int id = integer(next(), "bucket id");
                    Token p = peek();
                    if (p != null && p.text().equals("class") && p.line() == t.line()) {
                        next();
                        b.classIds.add(new ClassId(id, next().text(), t.line()));
                    } else {
                        if (b.id != null) {
                            throw new CrushMapException(t.line(), "bucket '" + b.name + "' has two ids");
                        }
                        b.id = id;
                        b.idLine = t.line();
                    }
                }
                case "alg" -> {
                    Token a = next();
                    try {
                        b.alg = BucketAlgorithm.fromText(a.text());
                    } catch (IllegalArgumentException e) {
                        throw new CrushMapException(a.line(), e.getMessage());
                    }
                }
                case "hash" -> {
                    Token h = next();
                    if (!h.text().equals("0") && !h.text().equals("rjenkins1")) {
                        throw new CrushMapException(h.line(), "unknown hash '" + h.text() + "' (only 0, rjenkins1)");
                    }
                }
                case "item" -> b.items.add(parseItem(t));
                default -> throw new CrushMapException(t.line(), "unexpected '" + t.text()
                        + "' in bucket '" + b.name + "' (id, alg, hash, item)");
            }
        }
    }

    private ItemLine parseItem(Token itemToken) {
        Token name = next();
        Integer weight = null;
        Integer position = null;
        while (peek() != null && peek().line() == itemToken.line()) {
            Token key = next();
            switch (key.text()) {
                case "weight" -> {
                    Token w = next();
                    weight = weight(w.text(), w.line());
                }
                case "pos" -> position = integer(next(), "item position");
                default -> throw new CrushMapException(key.line(), "unexpected '" + key.text()
                        + "' after item " + name.text() + " (weight, pos)");
            }
        }
        return new ItemLine(name.text(), weight, position, itemToken.line());
    }

    private void registerBuckets(List<BucketText> order) {
        for (BucketText b : order) {
            if (bucketsByName.containsKey(b.name) || deviceIds.containsKey(b.name)) {
                throw new CrushMapException(b.line, "duplicate name '" + b.name + "'");
            }
            bucketsByName.put(b.name, b);
        }
        for (BucketText b : order) {
            try {
                int id = b.id != null ? b.id : builder.nextBucketId();
                builder.addBucket(id, b.name, b.typeName, b.alg, b.hash);
                b.id = id;
            } catch (CrushMapException e) {
                throw new CrushMapException(b.idLine > 0 ? b.idLine : b.line, e.getMessage());
            }
        }
        for (BucketText b : order) {
            for (ClassId c : b.classIds) {
                try {
                    builder.setShadowId(b.id, c.className(), c.id());
                } catch (CrushMapException e) {
                    throw new CrushMapException(c.line(), e.getMessage());
                }
            }
        }
    }

    /** Adds items children first, so a bucket item without a weight can take its child's total. */
    private void resolveItems(List<BucketText> order) {
        Map<String, Integer> totals = new HashMap<>();
        Set<String> inProgress = new HashSet<>();
        for (BucketText b : order) {
            resolve(b, totals, inProgress, new ArrayList<>());
        }
    }

    private int resolve(BucketText b, Map<String, Integer> totals, Set<String> inProgress, List<String> path) {
        Integer done = totals.get(b.name);
        if (done != null) {
            return done;
        }
        path.add(b.name);
        if (!inProgress.add(b.name)) {
            throw new CrushMapException(b.line, "cycle in the hierarchy: " + String.join(" -> ", path));
        }
        ItemLine[] placed = placeItems(b);
        for (ItemLine item : placed) {
            int id;
            int weight;
            BucketText child = bucketsByName.get(item.name());
            if (child != null) {
                int childTotal = resolve(child, totals, inProgress, path);
                id = child.id;
                weight = item.weight() != null ? item.weight() : childTotal;
            } else if (deviceIds.containsKey(item.name())) {
                id = deviceIds.get(item.name());
                weight = item.weight() != null ? item.weight() : CrushMap.WEIGHT_IN;
            } else {
                throw new CrushMapException(item.line(), "item '" + item.name() + "' in bucket '" + b.name
                        + "' is not a defined device or bucket");
            }
            try {
                builder.addItem(b.id, id, weight);
            } catch (CrushMapException e) {
                throw new CrushMapException(item.line(), e.getMessage());
            }
        }
        inProgress.remove(b.name);
        path.remove(path.size() - 1);
        int total = builder.bucketWeight(b.id);
        totals.put(b.name, total);
        return total;
    }

    /** Items in bucket order: {@code pos} puts an item at that index, the rest fill in order. */
    private static ItemLine[] placeItems(BucketText b) {
        ItemLine[] placed = new ItemLine[b.items.size()];
        for (ItemLine item : b.items) {
            if (item.pos() != null) {
                if (item.pos() < 0 || item.pos() >= placed.length || placed[item.pos()] != null) {
                    throw new CrushMapException(item.line(), "bad position " + item.pos() + " for item '"
                            + item.name() + "' in bucket '" + b.name + "'");
                }
                placed[item.pos()] = item;
            }
        }
        int next = 0;
        for (ItemLine item : b.items) {
            if (item.pos() == null) {
                while (placed[next] != null) {
                    next++;
                }
                placed[next] = item;
            }
        }
        return placed;
    }

    // ---- rules ----

    private void parseRule(Token ruleToken) {
        String name = null;
        if (!peek().text().equals("{")) {
            name = next().text();
        }
        expect("{");
        Integer id = null;
        int type = Rule.TYPE_REPLICATED;
        int minSize = 1;
        int maxSize = 10;
        List<RuleStep> steps = new ArrayList<>();
        while (true) {
            Token t = next();
            switch (t.text()) {
                case "}" -> {
                    if (id == null) {
                        throw new CrushMapException(ruleToken.line(), "rule " + (name == null ? "" : "'" + name + "' ")
                                + "has no id");
                    }
                    if (name == null) {
                        name = "rule" + id;
                    }
                    try {
                        builder.addRuleWithClasses(id, name, type, minSize, maxSize, steps);
                    } catch (CrushMapException e) {
                        throw new CrushMapException(ruleToken.line(), e.getMessage());
                    }
                    return;
                }
                case "id", "ruleset" -> {
                    int v = integer(next(), "rule id");
                    if (id != null && id != v) {
                        throw new CrushMapException(t.line(), "rule id " + v + " differs from " + id);
                    }
                    id = v;
                }
                case "type" -> type = ruleType(next());
                case "min_size" -> minSize = integer(next(), "min_size");
                case "max_size" -> maxSize = integer(next(), "max_size");
                case "step" -> steps.add(parseStep(t));
                default -> throw new CrushMapException(t.line(), "unexpected '" + t.text() + "' in rule");
            }
        }
    }

    private int ruleType(Token t) {
        return switch (t.text()) {
            case "replicated" -> Rule.TYPE_REPLICATED;
            case "erasure" -> Rule.TYPE_ERASURE;
            default -> integer(t, "rule type");
        };
    }

    private RuleStep parseStep(Token stepToken) {
        Token op = next();
        switch (op.text()) {
            case "take" -> {
                Token item = next();
                Integer id = itemId(item.text());
                if (id == null) {
                    throw new CrushMapException(item.line(), "rule takes '" + item.text()
                            + "', which is not a defined bucket or device");
                }
                Token p = peek();
                if (p != null && p.text().equals("class") && p.line() == stepToken.line()) {
                    next();
                    Token cls = next();
                    Integer classId = classId(cls.text());
                    if (classId == null) {
                        throw new CrushMapException(cls.line(), "unknown device class '" + cls.text() + "'");
                    }
                    return CrushMapBuilder.takeClass(id, classId);
                }
                return RuleStep.take(id);
            }
            case "emit" -> {
                return RuleStep.emit();
            }
            case "noop" -> {
                return new RuleStep(RuleOp.NOOP, 0, 0);
            }
            case "choose", "chooseleaf" -> {
                Token mode = next();
                boolean leaf = op.text().equals("chooseleaf");
                RuleOp ruleOp = switch (mode.text()) {
                    case "firstn" -> leaf ? RuleOp.CHOOSELEAF_FIRSTN : RuleOp.CHOOSE_FIRSTN;
                    case "indep" -> leaf ? RuleOp.CHOOSELEAF_INDEP : RuleOp.CHOOSE_INDEP;
                    default -> throw new CrushMapException(mode.line(), "expected firstn or indep, found '"
                            + mode.text() + "'");
                };
                int n = integer(next(), "replica count");
                expect("type");
                Token typeName = next();
                int type;
                try {
                    type = builder.typeId(typeName.text());
                } catch (CrushMapException e) {
                    throw new CrushMapException(typeName.line(), "unknown type '" + typeName.text() + "'");
                }
                return new RuleStep(ruleOp, n, type);
            }
            default -> {
                RuleOp setter = RuleOp.setterNamed(op.text());
                if (setter == null) {
                    throw new CrushMapException(op.line(), "unknown rule step '" + op.text() + "'");
                }
                return new RuleStep(setter, integer(next(), op.text() + " value"), 0);
            }
        }
    }

    private Integer itemId(String name) {
        BucketText b = bucketsByName.get(name);
        return b != null ? b.id : deviceIds.get(name);
    }

    private Integer classId(String name) {
        return builder.hasClass(name) ? builder.classIdFor(name) : null;
    }
}
