package io.cairn.cli.admin;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code status}, {@code health}, {@code mon stat}, {@code quorum_status}. */
public final class StatusCommands {
    private StatusCommands() {}

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Cluster id, health, services and data.")
    public static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return MonCall.run(spec, "status", Map.of());
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true, description = "HEALTH_OK, HEALTH_WARN or HEALTH_ERR, and why.")
    public static final class Health implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "detail", description = "detail: one line per problem.")
        String detail;

        @Override
        public Integer call() {
            if (detail != null && !detail.equals("detail")) {
                return MonCall.fail("unknown argument '" + detail + "' (health [detail])");
            }
            return MonCall.run(spec, "health", MonCall.args("detail", detail != null));
        }
    }

    @Command(name = "mon", mixinStandardHelpOptions = true, description = "Monitor commands.", subcommands = MonStat.class)
    public static final class Mon {
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "Monitors, leader and quorum in one line.")
    public static final class MonStat implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return MonCall.run(spec, "mon stat", Map.of());
        }
    }

    @Command(name = "quorum_status", mixinStandardHelpOptions = true, description = "The quorum as JSON (quorum_names, quorum_leader_name).")
    public static final class QuorumStatus implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return MonCall.run(spec, "quorum_status", Map.of());
        }
    }
}
