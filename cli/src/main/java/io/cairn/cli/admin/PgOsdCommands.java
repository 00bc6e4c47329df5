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
    };

    /** Hangs the commands under {@code pg} (after {@link MonCommandTree#install}). */
    public static void install(CommandLine root) {
        CommandLine pg = root.getSubcommands().get("pg");
        for (String[] c : COMMANDS) {
            OsdPgCommand cmd = new OsdPgCommand(c[0]);
            CommandSpec spec = CommandSpec.wrapWithoutInspection(cmd);
            cmd.spec = spec;
            spec.mixinStandardHelpOptions(true);
            spec.usageMessage().description(c[1]);
            spec.addPositional(PositionalParamSpec.builder().index("0").arity("1").paramLabel("PGID").type(String.class)
                    .build());
            pg.addSubcommand(c[0], new CommandLine(spec));
        }
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
            String json;
            try (Rados rados = MonCall.rados(spec)) {
                json = rados.pgCommand(pgid, command);
            }
            GlobalOptions g = (GlobalOptions) spec.root().userObject();
            Object message = ((java.util.Map<?, ?>) Json.parse(json)).get("message");
            if (g.format().isJson()) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(g.format() == io.cairn.common.cli.OutputFormat.JSON_PRETTY ? Json.pretty(json) : json);
                out.flush();
            } else {
                // Ceph prints this status line on stderr
                PrintWriter err = spec.commandLine().getErr();
                err.println(message);
                err.flush();
            }
            return 0;
        }
    }
}
