package io.cairn.cli.admin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osd crush ...}: the cluster's CRUSH map, edited through the monitors. */
@Command(name = "crush", mixinStandardHelpOptions = true, description = "Edit and show the cluster's CRUSH map.",
        subcommands = {CrushAdminCommands.Dump.class, CrushAdminCommands.Tree.class, CrushAdminCommands.AddBucket.class,
            CrushAdminCommands.Move.class, CrushAdminCommands.Add.class, CrushAdminCommands.SetItem.class,
            CrushAdminCommands.Reweight.class, CrushAdminCommands.Remove.class, CrushAdminCommands.Tunables.class,
            CrushAdminCommands.RuleCommands.class})
public final class CrushAdminCommands {
    @Command(name = "dump", mixinStandardHelpOptions = true, description = "The CRUSH map as JSON.")
    public static final class Dump extends OsdCommands.Simple {
        @Override
        String prefix() {
            return "osd crush dump";
        }
    }

    @Command(name = "tree", mixinStandardHelpOptions = true, description = "The CRUSH hierarchy.")
    public static final class Tree implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Option(names = "--show-shadow", description = "Include per-class shadow trees.")
        boolean shadow;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush tree", MonCall.args("show_shadow", shadow));
        }
    }

    @Command(name = "add-bucket", mixinStandardHelpOptions = true, description = "Add a bucket, optionally at a location (type=name ...).")
    public static final class AddBucket implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE")
        String type;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "LOC")
        List<String> loc = List.of();

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush add-bucket",
                    MonCall.args("name", name, "type", type, "args", loc.isEmpty() ? null : String.join(" ", loc)));
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Move a bucket to a location (type=name ...).")
    public static final class Move implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOC")
        List<String> loc;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush move", MonCall.args("name", name, "args", String.join(" ", loc)));
        }
    }

    /** add and set share their arguments: osd.N WEIGHT [type=name ...]. */
    abstract static class Place implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "osd.N")
        String name;

        @Parameters(index = "1", paramLabel = "WEIGHT")
        String weight;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "LOC")
        List<String> loc = List.of();

        abstract String prefix();

        @Override
        public Integer call() {
            return MonCall.run(spec, prefix(), MonCall.args("name", name, "weight", weight, "args",
                    loc.isEmpty() ? null : String.join(" ", loc)));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Put an OSD into CRUSH at a location with a weight.")
    public static final class Add extends Place {
        @Override
        String prefix() {
            return "osd crush add";
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Put or move an OSD to a location and set its weight.")
    public static final class SetItem extends Place {
        @Override
        String prefix() {
            return "osd crush set";
        }
    }

    @Command(name = "reweight", mixinStandardHelpOptions = true, description = "Set an OSD's CRUSH weight.")
    public static final class Reweight implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "WEIGHT")
        String weight;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush reweight", MonCall.args("name", name, "weight", weight));
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Remove an OSD or an empty bucket from CRUSH.")
    public static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush remove", MonCall.args("name", name));
        }
    }

    @Command(name = "tunables", mixinStandardHelpOptions = true, description = "Set a tunables profile (jewel, optimal, ...).")
    public static final class Tunables implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PROFILE")
        String profile;

        @Override
        public Integer call() {
            return MonCall.run(spec, "osd crush tunables", MonCall.args("profile", profile));
        }
    }

    @Command(name = "rule", mixinStandardHelpOptions = true, description = "CRUSH rules.",
            subcommands = {RuleCommands.CreateReplicated.class, RuleCommands.Ls.class, RuleCommands.DumpRule.class,
                RuleCommands.Rm.class})
    public static final class RuleCommands {
        @Command(name = "create-replicated", mixinStandardHelpOptions = true,
                description = "NAME ROOT FAILURE-DOMAIN-TYPE [CLASS]: replicas in distinct buckets of that type.")
        public static final class CreateReplicated implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Parameters(index = "1", paramLabel = "ROOT")
            String root;

            @Parameters(index = "2", paramLabel = "TYPE")
            String type;

            @Parameters(index = "3", arity = "0..1", paramLabel = "CLASS")
            String deviceClass;

            @Override
            public Integer call() {
                return MonCall.run(spec, "osd crush rule create-replicated",
                        MonCall.args("name", name, "root", root, "type", type, "class", deviceClass));
            }
        }

        @Command(name = "ls", mixinStandardHelpOptions = true, description = "Rule names.")
        public static final class Ls extends OsdCommands.Simple {
            @Override
            String prefix() {
                return "osd crush rule ls";
            }
        }

        @Command(name = "dump", mixinStandardHelpOptions = true, description = "Rules as JSON.")
        public static final class DumpRule implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Parameters(arity = "0..1", paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                return MonCall.run(spec, "osd crush rule dump", name == null ? Map.of() : MonCall.args("name", name));
            }
        }

        @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a rule no pool uses.")
        public static final class Rm implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                return MonCall.run(spec, "osd crush rule rm", MonCall.args("name", name));
            }
        }
    }
}
