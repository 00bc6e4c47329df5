package io.cairn.cli.admin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osd ...}: OSD lifecycle, flags and map views. */
@Command(name = "osd", mixinStandardHelpOptions = true, description = "OSD commands.",
        subcommands = {OsdCommands.Create.class, OsdCommands.Dump.class, OsdCommands.Tree.class, OsdCommands.Stat.class,
            OsdCommands.Ls.class, OsdCommands.Down.class, OsdCommands.Out.class, OsdCommands.In.class,
            OsdCommands.Rm.class, OsdCommands.Reweight.class, OsdCommands.Set.class, OsdCommands.Unset.class,
            OsdCommands.MapObject.class, PoolCommands.class, CrushAdminCommands.class})
public final class OsdCommands {
    /** A command with no arguments that runs one mon command. */
    abstract static class Simple implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        abstract String prefix();

        @Override
        public Integer call() {
            return MonCall.run(spec, prefix(), Map.of());
        }
    }

    /** A command taking OSD ids (N or osd.N, or any/all). */
    abstract static class WithIds implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "OSD ids (3 or osd.3), or any.")
        List<String> ids;

        abstract String prefix();

        @Override
        public Integer call() {
            return MonCall.run(spec, prefix(), MonCall.args("ids", String.join(",", ids)));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Allocate an OSD id (the same uuid gets the same id).")
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "UUID")
        String uuid;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID")
        Integer id;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd create", MonCall.args("uuid", uuid, "id", id));
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, description = "The OSDMap: pools and OSDs.")
    public static final class Dump extends Simple {
        @Override
        String prefix() {
            return "osd dump";
        }
    }

    @Command(name = "tree", mixinStandardHelpOptions = true, description = "The CRUSH tree with OSD status and reweight.")
    public static final class Tree extends Simple {
        @Override
        String prefix() {
            return "osd tree";
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "How many OSDs exist, are up and are in.")
    public static final class Stat extends Simple {
        @Override
        String prefix() {
            return "osd stat";
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "OSD ids, one a line.")
    public static final class Ls extends Simple {
        @Override
        String prefix() {
            return "osd ls";
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Mark OSDs down.")
    public static final class Down extends WithIds {
        @Override
        String prefix() {
            return "osd down";
        }
    }

    @Command(name = "out", mixinStandardHelpOptions = true, description = "Mark OSDs out: CRUSH moves their data elsewhere.")
    public static final class Out extends WithIds {
        @Override
        String prefix() {
            return "osd out";
        }
    }

    @Command(name = "in", mixinStandardHelpOptions = true, description = "Mark OSDs in.")
    public static final class In extends WithIds {
        @Override
        String prefix() {
            return "osd in";
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove down OSDs from the map and CRUSH.")
    public static final class Rm extends WithIds {
        @Override
        String prefix() {
            return "osd rm";
        }
    }

    @Command(name = "reweight", mixinStandardHelpOptions = true, description = "Set an OSD's reweight (0..1).")
    public static final class Reweight implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "WEIGHT")
        String weight;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd reweight", MonCall.args("id", id, "weight", weight));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set a cluster flag: noout, noin, nodown, noup, norecover, nobackfill, noscrub, nodeep-scrub, pause, full.")
    public static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FLAG")
        String flag;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd set", MonCall.args("key", flag));
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Clear a cluster flag.")
    public static final class Unset implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FLAG")
        String flag;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd unset", MonCall.args("key", flag));
        }
    }

    @Command(name = "map", mixinStandardHelpOptions = true, description = "Where an object lives: its PG and OSDs.")
    public static final class MapObject implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "POOL")
        String pool;

        @Parameters(index = "1", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "2", arity = "0..1", paramLabel = "NAMESPACE")
        String namespace;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd map", MonCall.args("pool", pool, "object", object, "nspace", namespace));
        }
    }
}
