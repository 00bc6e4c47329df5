package io.cairn.cli;

import io.cairn.cli.admin.MonCall;
import io.cairn.cli.crush.CrushCommand;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.OutputFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code cairn} command: global options every subcommand inherits. */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = CairnVersion.class,
        description = "Cairn: a distributed object store in the family of Ceph RADOS.",
        subcommands = {CrushCommand.class, io.cairn.cli.rados.RadosCommand.class, CommandLine.HelpCommand.class})
public final class CairnCommand implements java.util.concurrent.Callable<Integer>, GlobalOptions {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--conf"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Configuration file (cairn.conf).")
    Path conf;

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "plain|json|json-pretty",
            converter = FormatConverter.class, defaultValue = "plain",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.PLAIN;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Show stack traces on errors.")
    boolean debug;

    @Option(names = {"-s", "--status"}, description = "Show cluster status (same as `cairn status`).")
    boolean status;

    @Option(names = {"-w", "--watch"}, description = "Show the status, then follow the cluster log.")
    boolean watch;

    @Option(names = "--watch-seconds", paramLabel = "N", description = "With -w: stop after N seconds (0: never).")
    long watchSeconds;

    @Override
    public Integer call() {
        if (watch) {
            return io.cairn.cli.admin.ClusterWatch.run(spec, watchSeconds);
        }
        if (status) {
            return MonCall.run(spec, "status", java.util.Map.of());
        }
        // `cairn` alone prints usage and is a usage error
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see 'cairn --help')");
    }

    @Override
    public OutputFormat format() {
        return format;
    }

    @Override
    public Path conf() {
        return conf;
    }

    @Override
    public boolean debug() {
        return debug;
    }

    /** The root command's options as seen from any subcommand. */
    public static CairnCommand of(CommandSpec spec) {
        return (CairnCommand) spec.root().userObject();
    }

    /** Where a subcommand writes its results. */
    public static PrintWriter out(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
