package io.cairn.cli.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osd pool ...}. */
@Command(name = "pool", mixinStandardHelpOptions = true, description = "Pool commands.",
        subcommands = {PoolCommands.Create.class, PoolCommands.Ls.class, PoolCommands.Set.class, PoolCommands.Get.class,
            PoolCommands.Rename.class, PoolCommands.Rm.class})
public final class PoolCommands {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a replicated pool.")
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PG_NUM")
        Integer pgNum;

        @Parameters(index = "2", arity = "0..1", paramLabel = "PGP_NUM")
        Integer pgpNum;

        @Parameters(index = "3", arity = "0..1", paramLabel = "replicated")
        String type;

        @Parameters(index = "4", arity = "0..1", paramLabel = "RULE")
        String rule;

        @Option(names = "--size", paramLabel = "N", description = "Replicas (default osd_pool_default_size).")
        Integer size;

        @Override
        public Integer call() {
            if (type != null && !type.equals("replicated")) {
                return MonCall.fail("only replicated pools are supported, not '" + type + "'");
            }
            return MonCall.run(spec, "osd pool create",
                    MonCall.args("pool", name, "pg_num", pgNum, "pgp_num", pgpNum, "rule", rule, "size", size));
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Pool names, one a line; with detail, every setting.")
    public static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "detail")
        String detail;

        @Override
        public Integer call() {
            if (detail != null && !detail.equals("detail")) {
                return MonCall.fail("unknown argument '" + detail + "' (osd pool ls [detail])");
            }
            return MonCall.run(spec, "osd pool ls", MonCall.args("detail", detail != null));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set size, min_size, pg_num, pgp_num or crush_rule.")
    public static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "POOL")
        String pool;

        @Parameters(index = "1", paramLabel = "VAR")
        String var;

        @Parameters(index = "2", paramLabel = "VAL")
        String val;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd pool set", MonCall.args("pool", pool, "var", var, "val", val));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one pool setting.")
    public static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "POOL")
        String pool;

        @Parameters(index = "1", paramLabel = "VAR")
        String var;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd pool get", MonCall.args("pool", pool, "var", var));
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a pool.")
    public static final class Rename implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SRC")
        String src;

        @Parameters(index = "1", paramLabel = "DEST")
        String dest;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd pool rename", MonCall.args("srcpool", src, "destpool", dest));
        }
    }

    @Command(name = "rm", aliases = "delete", mixinStandardHelpOptions = true,
            description = "Delete a pool and all its data: needs mon_allow_pool_delete, the name twice and the flag.")
    public static final class Rm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "POOL")
        String pool;

        @Parameters(index = "1", arity = "0..1", paramLabel = "POOL")
        String pool2;

        @Option(names = "--yes-i-really-really-mean-it", description = "Confirm the deletion.")
        boolean sure;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd pool rm",
                    MonCall.args("pool", pool, "pool2", pool2, "yes_i_really_really_mean_it", sure));
        }
    }
}
