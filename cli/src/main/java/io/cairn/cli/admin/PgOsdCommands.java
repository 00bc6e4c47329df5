package io.cairn.cli.admin;

import io.cairn.client.Rados;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code cairn pg scrub|deep-scrub|repair PGID}: asks the PG's primary OSD to scrub (the monitors
 * only name the primary, as in Ceph, where the request travels to the OSD). The scrub runs in the
 * background; {@code pg ls}, {@code health detail} and {@code rados list-inconsistent-obj} show
 * what it found.
 */
public final class PgOsdCommands {
    private PgOsdCommands() {}

    private static final String[][] COMMANDS = {
        {"scrub", "Scrub a PG: compare its copies' object sets, sizes and attributes."},
        {"deep-scrub", "Deep-scrub a PG: also read every copy's data and omap and compare their checksums."},
        {"repair", "Deep-scrub a PG and rewrite bad copies from the authoritative one."},
        {"query", "A PG as its primary sees it (JSON): state, up and acting sets, info, peering, scrub."},
    };

    /**
     * The {@code pg} group, before {@link MonCommandTree#install} fills it: it also takes
     * {@code pg PGID query} (Ceph's word order) beside {@code pg query PGID}.
     */
    public static void installGroup(CommandLine root) {
        PgWords words = new PgWords();
        CommandSpec groupSpec = CommandSpec.wrapWithoutInspection(words);
        words.spec = groupSpec;
        groupSpec.mixinStandardHelpOptions(true);
        groupSpec.usageMessage().description("Placement group commands.");
        groupSpec.addPositional(PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("PGID")
                .type(String.class).build());
        root.addSubcommand("pg", new CommandLine(groupSpec));
    }

    /** Hangs the OSD-directed commands under {@code pg} (after {@link MonCommandTree#install}). */
    public static void install(CommandLine root) {
        CommandLine pg = root.getSubcommands().get("pg");
        for (String[] c : COMMANDS) {
            OsdPgCommand cmd = new OsdPgCommand(c[0]);
            CommandSpec spec = CommandSpec.wrapWithoutInspection(cmd);
            cmd.spec = spec;
            spec.mixinStandardHelpOptions(true);
            spec.usageMessage().description(c[1]);
            // `pg 1.0 query` parses as the pg group's PGID, then this subcommand without one
            spec.addPositional(PositionalParamSpec.builder().index("0").arity(c[0].equals("query") ? "0..1" : "1")
                    .paramLabel("PGID").type(String.class).build());
            pg.addSubcommand(c[0], new CommandLine(spec));
        }
    }

    /** {@code cairn pg} alone, or with a PGID but no command: a usage error. */
    private static final class PgWords implements Callable<Integer> {
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new IllegalArgumentException("'pg' needs a subcommand (see 'cairn pg --help'), or PGID query");
        }
    }

    /** Sends one command to the PG's primary and prints what it returns. */
    private static int run(CommandSpec spec, String pgid, String command) {
        String json;
        try (Rados rados = MonCall.rados(spec)) {
            json = rados.pgCommand(pgid, command);
        }
        GlobalOptions g = (GlobalOptions) spec.root().userObject();
        Object message = ((java.util.Map<?, ?>) Json.parse(json)).get("message");
        PrintWriter out = spec.commandLine().getOut();
        if (g.format().isJson() || message == null) {
            // pg query answers JSON only, as in Ceph
            out.println(g.format() == io.cairn.common.cli.OutputFormat.JSON ? json : Json.pretty(json));
            out.flush();
        } else {
            // Ceph prints this status line on stderr
            PrintWriter err = spec.commandLine().getErr();
            err.println(message);
            err.flush();
        }
        return 0;
    }

    private static final class OsdPgCommand implements Callable<Integer> {
        private final String command;
        CommandSpec spec;

        OsdPgCommand(String command) {
            this.command = command;
        }

        @Override
        public Integer call() {
            String pgid = spec.positionalParameters().get(0).getValue();
            if (pgid == null) {
                pgid = spec.parent().positionalParameters().get(0).getValue();
            }
            if (pgid == null) {
                throw new IllegalArgumentException("pg " + command + " needs a PGID");
            }
            return run(spec, pgid, command);
        }
    }
}
