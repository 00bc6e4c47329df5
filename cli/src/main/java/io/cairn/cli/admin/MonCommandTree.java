package io.cairn.cli.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Builds picocli commands from {@link MonCommandTable} and hangs them under the root command. */
public final class MonCommandTree {
    private MonCommandTree() {}

    public static void install(CommandLine root) {
        java.util.Set<String> groups = new java.util.HashSet<>();
        for (String[] g : MonCommandTable.GROUPS) {
            CommandLine parent = parentOf(root, g[0]);
            String name = last(g[0]);
            groups.add(g[0]);
            if (!parent.getSubcommands().containsKey(name)) {
                CommandSpec spec = MonCommandTable.COMMANDS.stream().filter(d -> d.path().equals(g[0])).findFirst()
                        .map(MonCommandTree::leaf).orElseGet(() -> {
                            CommandSpec group = CommandSpec.wrapWithoutInspection(new Group(g[0]));
                            group.mixinStandardHelpOptions(true);
                            group.usageMessage().description(g[1]);
                            return group;
                        });
                parent.addSubcommand(name, new CommandLine(spec),
                        MonCommandTable.GROUP_ALIASES.getOrDefault(g[0], new String[0]));
            }
        }
        for (MonCommandTable.Def def : MonCommandTable.COMMANDS) {
            if (!groups.contains(def.path())) {
                parentOf(root, def.path()).addSubcommand(last(def.path()), new CommandLine(leaf(def)));
            }
        }
    }

    private static CommandLine parentOf(CommandLine root, String path) {
        CommandLine at = root;
        String[] words = path.split(" ");
        for (int i = 0; i < words.length - 1; i++) {
            at = at.getSubcommands().get(words[i]);
            if (at == null) {
                throw new IllegalStateException("no group for '" + path + "'");
            }
        }
        return at;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf(' ') + 1);
    }

    private static CommandSpec leaf(MonCommandTable.Def def) {
        Leaf leaf = new Leaf(def);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(leaf);
        leaf.spec = spec;
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(def.description());
        int index = 0;
        for (MonCommandTable.Arg a : def.args()) {
            String arity = a.rest() ? (a.optional() ? "0..*" : "1..*") : a.optional() ? "0..1" : "1";
            spec.addPositional(PositionalParamSpec.builder().index(a.rest() ? index + "..*" : Integer.toString(index))
                    .arity(arity).paramLabel(a.label()).type(a.rest() ? List.class : String.class)
                    .auxiliaryTypes(String.class).build());
            index++;
        }
        for (MonCommandTable.Opt o : def.opts()) {
            OptionSpec.Builder b = OptionSpec.builder(o.name()).description(o.description());
            spec.addOption(o.valueLabel() == null ? b.arity("0").type(boolean.class).build()
                    : b.paramLabel(o.valueLabel()).type(String.class).build());
        }
        return spec;
    }

    /** A group word: run alone it is a usage error that lists its subcommands. */
    private record Group(String path) implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalArgumentException("'" + path + "' needs a subcommand (see 'cairn " + path + " --help')");
        }
    }

    /** Collects the parsed values into the mon command's arguments and runs it. */
    private static final class Leaf implements Callable<Integer> {
        private final MonCommandTable.Def def;
        CommandSpec spec;

        Leaf(MonCommandTable.Def def) {
            this.def = def;
        }

        @Override
        public Integer call() {
            Map<String, String> args = new LinkedHashMap<>();
            List<PositionalParamSpec> positionals = spec.positionalParameters();
            for (int i = 0; i < def.args().size(); i++) {
                MonCommandTable.Arg a = def.args().get(i);
                Object v = positionals.get(i).getValue();
                if (v == null) {
                    continue;
                }
                if (a.rest()) {
                    @SuppressWarnings("unchecked")
                    List<String> words = new ArrayList<>((List<String>) v);
                    if (!words.isEmpty()) {
                        args.put(a.key(), String.join(" ", words));
                    }
                } else if (a.literal() != null) {
                    if (!a.literal().equals(v)) {
                        throw new IllegalArgumentException("unexpected '" + v + "' (expected '" + a.literal() + "')");
                    }
                    args.put(a.key(), "true");
                } else {
                    args.put(a.key(), (String) v);
                }
            }
            for (MonCommandTable.Opt o : def.opts()) {
                Object v = spec.findOption(o.name()).getValue();
                if (v instanceof Boolean b) {
                    if (b) {
                        args.put(o.key(), "true");
                    }
                } else if (v != null) {
                    args.put(o.key(), v.toString());
                }
            }
            return MonCall.run(spec, def.prefix(), args);
        }
    }
}
