package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.TextTable;
import io.cairn.common.config.ConfigChecks;
import io.cairn.common.config.ConfigFile;
import io.cairn.common.config.ConfigHelp;
import io.cairn.common.config.ConfigOption;
import io.cairn.common.config.ConfigWho;
import io.cairn.common.config.OptionIndex;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.ConfigDbEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reads of the central config database, plain and JSON in Ceph's shapes: {@code config dump}
 * and {@code config get WHO} (WHO, MASK, LEVEL, OPTION, VALUE, RO — Cairn has no masks, so MASK is
 * empty), {@code config get WHO KEY} (the value that applies, or the default), {@code config help
 * KEY}, {@code config ls}; and {@code config fetch WHO}, what a daemon asks for to follow the
 * database (its values and the version).
 */
final class ConfigViews {
    static final Set<String> READS = Set.of("config get", "config dump", "config help", "config ls", "config fetch");
    private static final String UNKNOWN_LEVEL = "unknown";

    private ConfigViews() {}

    static CommandResult run(ConfigDb db, CommandRequest req) {
        try {
            CommandArgs a = new CommandArgs(req.getArgsMap());
            return switch (req.getPrefix()) {
                case "config dump" -> dump(db);
                case "config get" -> a.has("key") ? getOne(db, entity(a.str("who")), a.str("key"))
                        : getAll(db, entity(a.str("who")));
                case "config help" -> help(a.str("key"));
                case "config ls" -> ls();
                case "config fetch" -> fetch(db, entity(a.str("who")));
                default -> throw CairnException.invalid("unknown command '" + req.getPrefix() + "'");
            };
        } catch (CairnException e) {
            return CommandResult.error(e);
        }
    }

    private static ConfigWho entity(String who) {
        try {
            return ConfigWho.parse(who);
        } catch (IllegalArgumentException e) {
            throw CairnException.invalid("unrecognized entity '" + who.strip() + "'");
        }
    }

    /** Ceph indents types under global and entities under their type. */
    private static String indented(String section) {
        if (section.equals("global")) {
            return section;
        }
        return section.contains(".") ? "    " + section : "  " + section;
    }

    private static TextTable table() {
        return new TextTable().column("WHO", TextTable.Align.LEFT).column("MASK", TextTable.Align.LEFT)
                .column("LEVEL", TextTable.Align.LEFT).column("OPTION", TextTable.Align.LEFT)
                .column("VALUE", TextTable.Align.LEFT).column("RO", TextTable.Align.LEFT);
    }

    private static String level(ConfigOption<?> o) {
        return o == null ? UNKNOWN_LEVEL : ConfigHelp.level(o);
    }

    /** RO: "*" for an option the daemons only take when they start. */
    private static String ro(ConfigOption<?> o) {
        return o == null || o.runtime() ? "" : "*";
    }

    private static CommandResult dump(ConfigDb db) {
        TextTable t = table();
        List<Object> json = new ArrayList<>();
        for (ConfigDbEntry e : db.all()) {
            ConfigOption<?> o = OptionIndex.find(e.getName());
            t.row(indented(e.getWho()), "", level(o), e.getName(), e.getValue(), ro(o));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("section", e.getWho());
            m.put("name", e.getName());
            m.put("value", e.getValue());
            m.put("level", level(o));
            m.put("can_update_at_runtime", o == null || o.runtime());
            m.put("mask", "");
            json.add(m);
        }
        return CommandResult.ok(json, t.render());
    }

    private static CommandResult getAll(ConfigDb db, ConfigWho who) {
        TextTable t = table();
        Map<String, Object> json = new LinkedHashMap<>();
        db.resolve(who).forEach((name, r) -> {
            ConfigOption<?> o = OptionIndex.find(name);
            t.row(r.section(), "", level(o), name, r.value(), ro(o));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", r.value());
            m.put("section", r.section());
            m.put("mask", new LinkedHashMap<>());
            m.put("can_update_at_runtime", o == null || o.runtime());
            json.put(name, m);
        });
        return CommandResult.ok(json, t.render());
    }

    private static CommandResult getOne(ConfigDb db, ConfigWho who, String key) {
        String name = ConfigFile.normalizeKey(key);
        ConfigOption<?> o = OptionIndex.find(name);
        if (o == null) {
            throw CairnException.notFound("unrecognized key '" + name + "'");
        }
        if (ConfigChecks.bootstrapOnly(o)) {
            throw CairnException.invalid(name + " is special and cannot be stored by the mon");
        }
        ConfigDb.Resolved r = db.resolve(who).get(name);
        String value = r != null ? r.value() : defaultText(o);
        return CommandResult.ok(value, value + "\n");
    }

    @SuppressWarnings("unchecked")
    private static <T> String defaultText(ConfigOption<T> o) {
        return o.format(o.defaultValue());
    }

    private static CommandResult help(String key) {
        String name = ConfigFile.normalizeKey(key);
        ConfigOption<?> o = OptionIndex.find(name);
        if (o == null) {
            throw new CairnException(ErrorCode.ENOENT, "configuration option '" + name + "' not recognized");
        }
        return CommandResult.ok(ConfigHelp.json(o), ConfigHelp.plain(o));
    }

    private static CommandResult ls() {
        StringBuilder plain = new StringBuilder();
        List<Object> names = new ArrayList<>();
        for (ConfigOption<?> o : OptionIndex.all()) {
            plain.append(o.name()).append('\n');
            names.add(o.name());
        }
        return CommandResult.ok(names, plain.toString());
    }

    private static CommandResult fetch(ConfigDb db, ConfigWho who) {
        Map<String, String> values = db.valuesFor(who);
        StringBuilder plain = new StringBuilder();
        values.forEach((k, v) -> plain.append(k).append(" = ").append(v).append('\n'));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", db.version());
        json.put("values", new LinkedHashMap<>(values));
        return CommandResult.ok(json, plain.toString());
    }
}
