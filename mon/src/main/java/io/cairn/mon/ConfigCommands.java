package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.ConfigChecks;
import io.cairn.common.config.ConfigFile;
import io.cairn.common.config.ConfigOption;
import io.cairn.common.config.ConfigWho;
import io.cairn.common.config.OptionIndex;
import io.cairn.proto.v1.CommandRequest;
import java.util.Set;

/**
 * {@code config set WHO KEY VALUE} and {@code config rm WHO KEY}, with Ceph's checks and errors.
 * {@link #prepare} refuses a bad target, option or value before anything is proposed (EINVAL,
 * naming the option and what it must be) and writes the normalized arguments back; {@link #apply}
 * checks the same again — a pure function of the entry, so every monitor agrees — and changes the
 * database. As in Ceph, setting a value already stored and removing one never stored succeed
 * without a new version.
 */
final class ConfigCommands {
    static final Set<String> WRITES = Set.of("config set", "config rm");
    private static final String TARGETS = "global, mon, osd, mds, client, or one daemon such as osd.3 or mon.a";

    /** A checked change: the target, the option's canonical name, and the value (null for rm). */
    record Change(ConfigWho who, String name, String value) { }

    private ConfigCommands() {}

    /** The normalized request to propose; CairnException (EINVAL) for anything that would be refused. */
    static CommandRequest prepare(CommandRequest req) {
        Change c = check(req);
        CommandRequest.Builder b = req.toBuilder().putArgs("who", c.who().section()).putArgs("name", c.name());
        if (c.value() != null) {
            b.putArgs("value", c.value());
        }
        return b.build();
    }

    static Change check(CommandRequest req) {
        CommandArgs a = new CommandArgs(req.getArgsMap());
        boolean set = req.getPrefix().equals("config set");
        String name = ConfigFile.normalizeKey(a.str("name"));
        String value = null;
        if (set) {
            ConfigOption<?> o = OptionIndex.find(name);
            if (o == null) {
                throw CairnException.invalid("unrecognized config option '" + name + "'");
            }
            value = a.str("value").strip();
            String problem = ConfigChecks.valueProblem(o, value);
            if (problem != null) {
                throw CairnException.invalid("error parsing value: " + problem);
            }
            if (ConfigChecks.bootstrapOnly(o)) {
                throw CairnException.invalid(name + " is special and cannot be stored by the mon");
            }
            if (value.length() > ConfigDb.VALUE_LENGTH_MAX) {
                throw CairnException.invalid("value for " + name + " is longer than " + ConfigDb.VALUE_LENGTH_MAX
                        + " characters");
            }
        }
        String who = a.str("who");
        try {
            return new Change(ConfigWho.parse(who), name, value);
        } catch (IllegalArgumentException e) {
            throw CairnException.invalid("unrecognized config target '" + who.strip() + "' (" + TARGETS + ")");
        }
    }

    static CommandResult apply(ConfigDb db, CommandRequest req) {
        try {
            Change c = check(req);
            if (c.value() == null) {
                db.remove(c.who(), c.name());
                return CommandResult.ok(null, "");
            }
            if (db.get(c.who(), c.name()) == null && db.full()) {
                throw new CairnException(ErrorCode.ENOSPC, "the config database is full (" + ConfigDb.ENTRIES_MAX
                        + " entries): remove some with config rm");
            }
            db.set(c.who(), c.name(), c.value());
            return CommandResult.ok(null, "");
        } catch (CairnException e) {
            return CommandResult.error(e);
        }
    }
}
