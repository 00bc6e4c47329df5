package io.cairn.common.cli;

import java.util.List;
import java.util.Map;

/**
 * Writes plain Java values (Map, List, String, Number, Boolean, null) as JSON, compact or
 * pretty-printed with four-space indents as Ceph's {@code json-pretty} does. Maps keep their
 * iteration order, so callers use LinkedHashMap for a stable field order.
 */
public final class Json {
    private Json() {}

    public static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, pretty, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, boolean pretty, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? d.toString() : "null");
        } else if (v instanceof Float f) {
            sb.append(Float.isFinite(f) ? f.toString() : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ordered(m)) {
                sb.append(first ? "" : ",");
                first = false;
                newline(sb, pretty, depth + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), pretty, depth + 1);
            }
            if (!m.isEmpty()) {
                newline(sb, pretty, depth);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                newline(sb, pretty, depth + 1);
                write(sb, l.get(i), pretty, depth + 1);
            }
            if (!l.isEmpty()) {
                newline(sb, pretty, depth);
            }
            sb.append(']');
        } else if (v instanceof int[] a) {
            write(sb, java.util.Arrays.stream(a).boxed().toList(), pretty, depth);
        } else {
            quote(sb, v.toString());
        }
    }

    /**
     * A map's entries in its own order when it has one (linked or sorted), else by key: Map.of's
     * order changes from one JVM to the next, and output must not.
     */
    private static Iterable<? extends Map.Entry<?, ?>> ordered(Map<?, ?> m) {
        if (m instanceof java.util.LinkedHashMap<?, ?> || m instanceof java.util.SortedMap<?, ?> || m.size() < 2) {
            return m.entrySet();
        }
        List<Map.Entry<?, ?>> entries = new java.util.ArrayList<>(m.entrySet());
        entries.sort(java.util.Comparator.comparing(e -> String.valueOf(e.getKey())));
        return entries;
    }

    /**
     * Reads JSON into Maps (insertion-ordered), Lists, Strings, Longs, Doubles, Booleans and null.
     * Throws IllegalArgumentException with the offset on malformed input.
     */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        Object v = r.value(0);
        r.skipSpace();
        if (r.at != text.length()) {
            throw new IllegalArgumentException("trailing data at offset " + r.at);
        }
        return v;
    }

    /** A small recursive-descent reader; nesting is bounded so hostile input cannot blow the stack. */
    private static final class Reader {
        private static final int DEPTH_MAX = 256;
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        private char peek() {
            if (at >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON");
            }
            return s.charAt(at);
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at offset " + at);
            }
            at++;
        }

        Object value(int depth) {
            if (depth > DEPTH_MAX) {
                throw new IllegalArgumentException("JSON nested too deep");
            }
            skipSpace();
            char c = peek();
            if (c == '{') {
                at++;
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                skipSpace();
                if (peek() == '}') {
                    at++;
                    return m;
                }
                while (true) {
                    skipSpace();
                    String k = string();
                    expect(':');
                    m.put(k, value(depth + 1));
                    skipSpace();
                    char n = s.charAt(at++);
                    if (n == '}') {
                        return m;
                    }
                    if (n != ',') {
                        throw new IllegalArgumentException("expected ',' or '}' at offset " + (at - 1));
                    }
                }
            }
            if (c == '[') {
                at++;
                List<Object> l = new java.util.ArrayList<>();
                skipSpace();
                if (peek() == ']') {
                    at++;
                    return l;
                }
                while (true) {
                    l.add(value(depth + 1));
                    skipSpace();
                    char n = s.charAt(at++);
                    if (n == ']') {
                        return l;
                    }
                    if (n != ',') {
                        throw new IllegalArgumentException("expected ',' or ']' at offset " + (at - 1));
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            int start = at;
            while (at < s.length() && "{}[],: \n\r\t".indexOf(s.charAt(at)) < 0) {
                at++;
            }
            String tok = s.substring(start, at);
            switch (tok) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    try {
                        return tok.contains(".") || tok.contains("e") || tok.contains("E") ? (Object) Double.valueOf(tok)
                                : (Object) Long.valueOf(tok);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad JSON value '" + tok + "' at offset " + start);
                    }
            }
        }

        String string() {
            if (peek() != '"') {
                throw new IllegalArgumentException("expected a string at offset " + at);
            }
            at++;
            StringBuilder sb = new StringBuilder();
            while (peek() != '"') {
                char c = s.charAt(at++);
                if (c == '\\') {
                    char e = s.charAt(at++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            at++;
            return sb.toString();
        }
    }

    /** Re-indents compact JSON text the way {@link #write} with pretty=true would print it. */
    public static String pretty(String compact) {
        StringBuilder sb = new StringBuilder(compact.length() * 2);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (inString) {
                sb.append(c);
                if (c == '\\' && i + 1 < compact.length()) {
                    sb.append(compact.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    sb.append(c);
                }
                case '{', '[' -> {
                    char close = c == '{' ? '}' : ']';
                    if (i + 1 < compact.length() && compact.charAt(i + 1) == close) {
                        sb.append(c).append(close);
                        i++;
                    } else {
                        sb.append(c);
                        newline(sb, true, ++depth);
                    }
                }
                case '}', ']' -> {
                    newline(sb, true, --depth);
                    sb.append(c);
                }
                case ',' -> {
                    sb.append(c);
                    newline(sb, true, depth);
                }
                case ':' -> sb.append(": ");
                default -> {
                    if (!Character.isWhitespace(c)) {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void newline(StringBuilder sb, boolean pretty, int depth) {
        if (pretty) {
            sb.append('\n').append("    ".repeat(depth));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
