package io.cairn.cli.admin;

import java.util.List;
import java.util.Map;

/**
 * Every admin command that is one mon command, as data: the words a user types, the mon prefix,
 * the positional arguments and options and the mon argument each fills. {@link MonCommandTree}
 * turns the table into picocli commands, so adding a command is adding a line.
 */
final class MonCommandTable {
    private MonCommandTable() {}

    /** One argument: the mon argument it fills, its label, and whether it is optional or takes the rest. */
    record Arg(String key, String label, boolean optional, boolean rest, String literal) {
        static Arg req(String key, String label) {
            return new Arg(key, label, false, false, null);
        }

        static Arg opt(String key, String label) {
            return new Arg(key, label, true, false, null);
        }

        /** All remaining words, joined with a space (CRUSH locations, OSD id lists). */
        static Arg rest(String key, String label, boolean optional) {
            return new Arg(key, label, optional, true, null);
        }

        /** An optional fixed word ("detail") that sets the argument to true when given. */
        static Arg word(String key, String word) {
            return new Arg(key, word, true, false, word);
        }
    }

    /** An option: {@code --name VALUE}, or a flag ({@code valueLabel} null) that sets "true". */
    record Opt(String name, String key, String valueLabel, String description) { }

    record Def(String path, String prefix, String description, List<Arg> args, List<Opt> opts) {
        Def(String path, String prefix, String description, Arg... args) {
            this(path, prefix, description, List.of(args), List.of());
        }
    }

    /** Other words for a group: Ceph's old name {@code osd blacklist}, which its monitors still take, as ours do. */
    static final Map<String, String[]> GROUP_ALIASES = Map.of("osd blocklist", new String[] {"blacklist"});

    /**
     * Group commands and their descriptions. A group that is also a command (health, log) runs
     * its own mon call when no subcommand is named.
     */
    static final List<String[]> GROUPS = List.of(
            new String[] {"osd", "OSD commands."},
            new String[] {"osd pool", "Pool commands."},
            new String[] {"osd crush", "Edit and show the cluster's CRUSH map."},
            new String[] {"osd crush rule", "CRUSH rules."},
            new String[] {"osd blocklist", "Fence client addresses: every OSD refuses their operations."},
            new String[] {"mon", "Monitor commands."},
            new String[] {"pg", "Placement group commands."},
            new String[] {"health", "Cluster health."},
            new String[] {"log", "The cluster log."},
            new String[] {"config", "The monitors' central config database, and what a daemon runs with."},
            new String[] {"fs", "File systems: their pools, ranks and MDS daemons (the monitors' FsMap)."},
            new String[] {"mds", "Metadata server daemons as the monitors see them."});

    static final List<Def> COMMANDS = List.of(
            new Def("status", "status", "Cluster id, health, services and data."),
            new Def("health", "health", "HEALTH_OK, HEALTH_WARN or HEALTH_ERR, and why.", Arg.word("detail", "detail")),
            new Def("health mute", "health mute", "Mute a health check (TTL e.g. 30m, 2h, 1d): it no longer sets the "
                    + "status; unless sticky, the mute ends when the check clears.",
                    List.of(Arg.req("code", "CODE"), Arg.opt("ttl", "TTL")),
                    List.of(new Opt("--sticky", "sticky", null, "Keep the mute when the check clears."))),
            new Def("health unmute", "health unmute", "End a mute.", Arg.req("code", "CODE")),
            new Def("log last", "log last", "The newest cluster log lines (default 20).", Arg.opt("num", "N")),
            new Def("log", "log", "Add a line to the cluster log (log last [N] shows the newest).",
                    Arg.rest("logtext", "TEXT", false)),
            new Def("config set", "config set", "Store a value for WHO: global, a type (mon, osd, mds, client) or one "
                    + "daemon (osd.3, mon.a); running daemons take runtime options at once.",
                    Arg.req("who", "WHO"), Arg.req("name", "KEY"), Arg.req("value", "VALUE")),
            new Def("config get", "config get", "The values stored for WHO and what it inherits (entity over type "
                    + "over global); with KEY, the one value that applies (or the default).",
                    Arg.req("who", "WHO"), Arg.opt("key", "KEY")),
            new Def("config rm", "config rm", "Remove a stored value.", Arg.req("who", "WHO"), Arg.req("name", "KEY")),
            new Def("config dump", "config dump", "Every stored value: WHO, MASK, LEVEL, OPTION, VALUE, RO (* = read at "
                    + "start only)."),
            new Def("config help", "config help", "An option's type, default, range, unit, description and whether it "
                    + "can change at runtime.", Arg.req("key", "KEY")),
            new Def("config ls", "config ls", "Every option's name."),
            new Def("quorum_status", "quorum_status", "The quorum as JSON (quorum_names, quorum_leader_name)."),
            new Def("mon stat", "mon stat", "Monitors, leader and quorum in one line."),
            new Def("mon dump", "mon dump", "The monitor map: epoch, fsid, each monitor's rank, address and name."),
            new Def("mon add", "mon add", "Let a new monitor into the quorum (start it first: cairn mon --id NAME "
                    + "with public_addr = ADDR and the cluster's fsid); it catches up, then the quorum counts it.",
                    Arg.req("name", "NAME"), Arg.req("addr", "HOST:PORT")),
            new Def("mon remove", "mon remove", "Take a monitor out of the quorum (it stops itself if running); "
                    + "refused when the rest could not form a quorum.", Arg.req("name", "NAME")),
            new Def("df", "df", "Raw space and per-pool usage.", Arg.word("detail", "detail")),
            new Def("pg stat", "pg stat", "PG states, data, used and available space in one line."),
            new Def("pg ls", "pg ls", "PGs with their objects, state, up and acting sets and scrub stamps; only those "
                    + "in any of the STATEs when given.", Arg.rest("states", "STATE", true)),
            new Def("pg ls-by-pool", "pg ls-by-pool", "As pg ls, for one pool's PGs.", Arg.req("pool", "POOL"),
                    Arg.rest("states", "STATE", true)),
            new Def("pg ls-by-osd", "pg ls-by-osd", "As pg ls, for the PGs an OSD is in (up or acting).",
                    Arg.req("osd", "OSD"), Arg.rest("states", "STATE", true)),
            new Def("pg dump", "pg dump", "PG, pool and OSD statistics: all (default), summary, pgs, pgs_brief, osds "
                    + "or pools.", Arg.opt("dumpcontents", "WHAT")),
            new Def("osd df", "osd df", "Each OSD's size, use, PGs and variance from the mean; with tree, by CRUSH "
                    + "bucket.", Arg.word("tree", "tree")),
            new Def("osd create", "osd create", "Allocate an OSD id (the same uuid always gets the same id).",
                    Arg.opt("uuid", "UUID"), Arg.opt("id", "ID")),
            new Def("osd dump", "osd dump", "The OSDMap: epoch, flags, pools, OSDs."),
            new Def("osd tree", "osd tree", "The CRUSH tree with each OSD's status and reweight."),
            new Def("osd stat", "osd stat", "How many OSDs exist, are up and are in."),
            new Def("osd ls", "osd ls", "OSD ids, one a line."),
            new Def("osd down", "osd down", "Mark OSDs down.", Arg.rest("ids", "ID", false)),
            new Def("osd out", "osd out", "Mark OSDs out: CRUSH moves their data elsewhere.", Arg.rest("ids", "ID", false)),
            new Def("osd in", "osd in", "Mark OSDs in.", Arg.rest("ids", "ID", false)),
            new Def("osd rm", "osd rm", "Remove down OSDs from the map and from CRUSH.", Arg.rest("ids", "ID", false)),
            new Def("osd destroy", "osd destroy", "Mark a down OSD destroyed: out for good, its id and CRUSH place kept "
                    + "for the disk that replaces it (osd prepare --osd-id ID).",
                    List.of(Arg.req("id", "ID")), List.of(new Opt("--yes-i-really-mean-it", "yes_i_really_mean_it", null,
                            "Confirm."))),
            new Def("osd purge", "osd purge", "Retire a down OSD for good: out of the map and CRUSH, its id free again.",
                    List.of(Arg.req("id", "ID")), List.of(new Opt("--yes-i-really-mean-it", "yes_i_really_mean_it", null,
                            "Confirm."))),
            new Def("osd reweight", "osd reweight", "Set an OSD's reweight (0..1).", Arg.req("id", "ID"),
                    Arg.req("weight", "WEIGHT")),
            new Def("osd reweight-by-utilization", "osd reweight-by-utilization", "Lower the reweight of OSDs more "
                    + "than OLOAD% (default 120) of the mean utilization, and raise underused ones, by at most MAX_CHANGE "
                    + "(0.05), at most MAX_OSDS (4) OSDs.", List.of(Arg.opt("oload", "OLOAD"),
                    Arg.opt("max_change", "MAX_CHANGE"), Arg.opt("max_osds", "MAX_OSDS")),
                    List.of(new Opt("--no-increasing", "no_increasing", null, "Only lower reweights."))),
            new Def("osd test-reweight-by-utilization", "osd test-reweight-by-utilization", "What "
                    + "reweight-by-utilization would change, without changing it.", List.of(Arg.opt("oload", "OLOAD"),
                    Arg.opt("max_change", "MAX_CHANGE"), Arg.opt("max_osds", "MAX_OSDS")),
                    List.of(new Opt("--no-increasing", "no_increasing", null, "Only lower reweights."))),
            new Def("osd set", "osd set", "Set a cluster flag: noout, noin, nodown, noup, norecover, nobackfill, "
                    + "noscrub, nodeep-scrub, pause, full.", Arg.req("key", "FLAG")),
            new Def("osd unset", "osd unset", "Clear a cluster flag.", Arg.req("key", "FLAG")),
            new Def("osd pg-temp", "osd pg-temp", "Make a PG act on these OSDs instead of its up set (none: drop it).",
                    Arg.req("pgid", "PGID"), Arg.rest("ids", "ID", true)),
            new Def("osd blocklist add", "osd blocklist add", "Fence a client address (IP:PORT/NONCE, or a bare IP "
                    + "for every client on it) for EXPIRE seconds (default mon_osd_blocklist_default_expire).",
                    Arg.req("addr", "ADDR"), Arg.opt("expire", "EXPIRE")),
            new Def("osd blocklist rm", "osd blocklist rm", "Lift a client address's fence.", Arg.req("addr", "ADDR")),
            new Def("osd blocklist ls", "osd blocklist ls", "Fenced client addresses and when each fence lapses."),
            new Def("osd map", "osd map", "Where an object lives: its PG and OSDs.", Arg.req("pool", "POOL"),
                    Arg.req("object", "OBJECT"), Arg.opt("nspace", "NAMESPACE")),
            new Def("osd pool create", "osd pool create", "Create a replicated pool.",
                    List.of(Arg.req("pool", "NAME"), Arg.opt("pg_num", "PG_NUM"), Arg.opt("pgp_num", "PGP_NUM"),
                            Arg.word("type_replicated", "replicated"), Arg.opt("rule", "RULE")),
                    List.of(new Opt("--size", "size", "N", "Replicas (default osd_pool_default_size)."))),
            new Def("osd pool ls", "osd pool ls", "Pool names, one a line; with detail, every setting.",
                    Arg.word("detail", "detail")),
            new Def("osd pool set", "osd pool set", "Set size, min_size, pg_num, pgp_num or crush_rule.",
                    Arg.req("pool", "POOL"), Arg.req("var", "VAR"), Arg.req("val", "VAL")),
            new Def("osd pool get", "osd pool get", "Show one pool setting.", Arg.req("pool", "POOL"), Arg.req("var", "VAR")),
            new Def("osd pool mksnap", "osd pool mksnap", "Take a pool snapshot (refused on a pool whose clients "
                    + "manage their own snaps).", Arg.req("pool", "POOL"), Arg.req("snap", "SNAP")),
            new Def("osd pool rmsnap", "osd pool rmsnap", "Remove a pool snapshot; its clones are trimmed in the "
                    + "background.", Arg.req("pool", "POOL"), Arg.req("snap", "SNAP")),
            new Def("osd pool rename", "osd pool rename", "Rename a pool.", Arg.req("srcpool", "SRC"),
                    Arg.req("destpool", "DEST")),
            new Def("osd pool rm", "osd pool rm", "Delete a pool and all its data: needs mon_allow_pool_delete, the "
                    + "name twice and the flag.", List.of(Arg.req("pool", "POOL"), Arg.opt("pool2", "POOL")),
                    List.of(new Opt("--yes-i-really-really-mean-it", "yes_i_really_really_mean_it", null,
                            "Confirm the deletion."))),
            new Def("osd crush dump", "osd crush dump", "The CRUSH map as JSON."),
            new Def("osd crush tree", "osd crush tree", "The CRUSH hierarchy.", List.of(),
                    List.of(new Opt("--show-shadow", "show_shadow", null, "Include the per-class shadow trees."))),
            new Def("osd crush add-bucket", "osd crush add-bucket", "Add a bucket, optionally at a location (type=name ...).",
                    Arg.req("name", "NAME"), Arg.req("type", "TYPE"), Arg.rest("args", "LOC", true)),
            new Def("osd crush move", "osd crush move", "Move a bucket to a location (type=name ...).",
                    Arg.req("name", "NAME"), Arg.rest("args", "LOC", false)),
            new Def("osd crush add", "osd crush add", "Put an OSD into CRUSH at a location, with a weight.",
                    Arg.req("name", "osd.N"), Arg.req("weight", "WEIGHT"), Arg.rest("args", "LOC", true)),
            new Def("osd crush set", "osd crush set", "Put or move an OSD to a location and set its weight.",
                    Arg.req("name", "osd.N"), Arg.req("weight", "WEIGHT"), Arg.rest("args", "LOC", true)),
            new Def("osd crush reweight", "osd crush reweight", "Set an OSD's CRUSH weight.", Arg.req("name", "NAME"),
                    Arg.req("weight", "WEIGHT")),
            new Def("osd crush remove", "osd crush remove", "Remove an OSD or an empty bucket from CRUSH.",
                    Arg.req("name", "NAME")),
            new Def("osd crush tunables", "osd crush tunables", "Set a tunables profile (argonaut ... jewel, optimal).",
                    Arg.req("profile", "PROFILE")),
            new Def("osd crush rule create-replicated", "osd crush rule create-replicated",
                    "NAME ROOT FAILURE-DOMAIN-TYPE [CLASS]: replicas in distinct buckets of that type.",
                    Arg.req("name", "NAME"), Arg.req("root", "ROOT"), Arg.req("type", "TYPE"), Arg.opt("class", "CLASS")),
            new Def("osd crush rule ls", "osd crush rule ls", "Rule names."),
            new Def("osd crush rule dump", "osd crush rule dump", "Rules as JSON.", Arg.opt("name", "NAME")),
            new Def("osd crush rule rm", "osd crush rule rm", "Remove a rule no pool uses.", Arg.req("name", "NAME")),
            new Def("fs new", "fs new", "Create a file system on two existing pools, one for its namespace and "
                    + "journal, one for file data; a standby MDS takes rank 0.", Arg.req("fs_name", "NAME"),
                    Arg.req("metadata", "METADATA_POOL"), Arg.req("data", "DATA_POOL")),
            new Def("fs ls", "fs ls", "File systems with their metadata and data pools."),
            new Def("fs dump", "fs dump", "The FsMap: each file system's settings, ranks and daemons, then the "
                    + "standby daemons."),
            new Def("fs status", "fs status", "Each file system's ranks (state, daemon) and pools (used, available), "
                    + "then the standby daemons.", Arg.opt("fs_name", "NAME")),
            new Def("fs set", "fs set", "Set max_mds, session_timeout, session_autoclose (seconds, at least 30), "
                    + "joinable (true|false) or standby_count_wanted.", Arg.req("fs_name", "NAME"),
                    Arg.req("var", "VAR"), Arg.req("val", "VALUE")),
            new Def("fs fail", "fs fail", "Take a file system down: no MDS may join it and each rank's daemon is "
                    + "failed (fs set NAME joinable true brings it back).", Arg.req("fs_name", "NAME")),
            new Def("mds stat", "mds stat", "File systems and MDS daemons in one line: each file system's ranks, "
                    + "{rank=daemon=state}, and the daemons by state."),
            new Def("mds fail", "mds fail", "Fail an MDS, named by rank, FS:RANK, gid or name: a standby takes its rank, "
                    + "and the daemon restarts as a standby.", Arg.req("role_or_gid", "ROLE_OR_GID")),
            new Def("mds repaired", "mds repaired", "Mark a damaged rank (RANK or FS:RANK) repaired, so a standby may "
                    + "take it again.", Arg.req("role", "ROLE")));
}
