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
            for (Map.Entry<?, ?> e : m.entrySet()) {
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
