package io.cairn.common.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Whom a central config value is for, as Ceph's WHO: {@code global}, a daemon type ({@code mon},
 * {@code osd}, {@code mds}, {@code client}), or one entity ({@code osd.3}, {@code mon.a},
 * {@code client.admin}). A more specific WHO wins: entity over type over global. Ceph's masks
 * ({@code osd/host:h1}) are not supported.
 *
 * @param type "" for global, else the daemon type
 * @param id "" for global and types, else the entity's id
 */
public record ConfigWho(String type, String id) {
    /** The types in the order {@code config dump} lists them (Ceph's, without mgr). */
    public static final List<String> TYPES = List.of("mon", "osd", "mds", "client");
    public static final ConfigWho GLOBAL = new ConfigWho("", "");
    private static final int ID_LENGTH_MAX = 64;
    private static final Pattern OSD_ID = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final Pattern NAME_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public ConfigWho {
        if (type.isEmpty() && !id.isEmpty()) {
            throw new IllegalArgumentException("global has no id");
        }
    }

    /** Parses a WHO; IllegalArgumentException (with the text) when it is none of the three forms. */
    public static ConfigWho parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("global")) {
            return GLOBAL;
        }
        int dot = t.indexOf('.');
        String type = dot < 0 ? t : t.substring(0, dot);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(t);
        }
        if (dot < 0) {
            return new ConfigWho(type, "");
        }
        String id = t.substring(dot + 1);
        boolean ok = id.length() <= ID_LENGTH_MAX
                && (type.equals("osd") ? OSD_ID.matcher(id).matches() : NAME_ID.matcher(id).matches());
        if (!ok) {
            throw new IllegalArgumentException(t);
        }
        return new ConfigWho(type, id);
    }

    /** The WHO of a running daemon or client ("osd.3"); IllegalArgumentException if not an entity. */
    public static ConfigWho entity(String entity) {
        ConfigWho w = parse(entity);
        if (!w.isEntity()) {
            throw new IllegalArgumentException(entity);
        }
        return w;
    }

    public boolean isGlobal() {
        return type.isEmpty();
    }

    public boolean isType() {
        return !type.isEmpty() && id.isEmpty();
    }

    public boolean isEntity() {
        return !id.isEmpty();
    }

    /** 0 for global, 1 for a type, 2 for an entity: the higher wins. */
    public int specificity() {
        return isGlobal() ? 0 : isType() ? 1 : 2;
    }

    /** The section name: "global", "osd" or "osd.3" (as in cairn.conf). */
    public String section() {
        return isGlobal() ? "global" : isType() ? type : type + "." + id;
    }

    /** Whether a value stored for this WHO applies to {@code target} (a type or an entity). */
    public boolean appliesTo(ConfigWho target) {
        if (isGlobal()) {
            return true;
        }
        if (isType()) {
            return type.equals(target.type);
        }
        return equals(target);
    }

    @Override
    public String toString() {
        return section();
    }
}
