package io.cairn.mon;

import io.cairn.common.CairnException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A command's named arguments, with typed getters that fail with a clear EINVAL. */
final class CommandArgs {
    private final Map<String, String> args;

    CommandArgs(Map<String, String> args) {
        this.args = Map.copyOf(args);
    }

    boolean has(String name) {
        String v = args.get(name);
        return v != null && !v.isEmpty();
    }

    String str(String name) {
        String v = args.get(name);
        if (v == null || v.isEmpty()) {
            throw CairnException.invalid("missing argument '" + name + "'");
        }
        return v;
    }

    String str(String name, String def) {
        return has(name) ? args.get(name) : def;
    }

    int integer(String name) {
        String v = str(name);
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw CairnException.invalid("'" + name + "' must be an integer, not '" + v + "'");
        }
    }

    int integer(String name, int def) {
        return has(name) ? integer(name) : def;
    }

    /** A finite decimal. */
    double decimal(String name) {
        String v = str(name);
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw CairnException.invalid("'" + name + "' must be a number, not '" + v + "'");
        }
    }

    /** Words separated by commas or spaces; empty when the argument is absent. */
    List<String> words(String name) {
        if (!has(name)) {
            return List.of();
        }
        return java.util.Arrays.stream(args.get(name).split("[,\\s]+")).filter(w -> !w.isEmpty()).toList();
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(args.getOrDefault(name, "false"));
    }

    /** OSD ids: "3", "osd.3", comma- or space-separated; "any"/"all" gives {@code all}. */
    List<Integer> osdIds(String name, List<Integer> all) {
        List<Integer> ids = new ArrayList<>();
        for (String part : str(name).split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals("any") || part.equals("all")) {
                return all;
            }
            ids.add(parseOsd(part));
        }
        if (ids.isEmpty()) {
            throw CairnException.invalid("no OSD ids given");
        }
        return ids;
    }

    static int parseOsd(String text) {
        String t = text.startsWith("osd.") ? text.substring(4) : text;
        try {
            int id = Integer.parseInt(t);
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw CairnException.invalid("'" + text + "' is not an OSD id (N or osd.N)");
        }
    }

    /** CRUSH location pairs "host=h1 rack=r1" in the given argument, in order. */
    Map<String, String> location(String name) {
        Map<String, String> loc = new LinkedHashMap<>();
        if (!has(name)) {
            return loc;
        }
        for (String pair : str(name).split("[,\\s]+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw CairnException.invalid("bad CRUSH location '" + pair + "' (expected type=name)");
            }
            loc.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return loc;
    }

    Map<String, String> asMap() {
        return args;
    }
}
