package io.cairn.cli;

import io.cairn.cli.admin.MonCommandTree;
import io.cairn.common.cli.CommandProvider;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.UserInputException;
import io.cairn.common.net.Messenger;
import io.cairn.crush.CrushMapException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;

/**
 * Entry point of the {@code cairn} command. Exit codes: 0 success, 2 bad usage or bad input
 * (one line on stderr, no stack trace unless --debug), 1 any other failure.
 */
public final class CairnMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    private static final long CLIENT_LOOP_STOP_MS = 2_000;

    private CairnMain() {}

    public static void main(String[] args) {
        // a one-shot command by default; a daemon's command switches back to gRPC's loops
        Messenger.useOwnClientLoop();
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        Messenger.useSharedClientLoops(CLIENT_LOOP_STOP_MS);
        System.exit(code);
    }

    /** Runs one command line with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The whole {@code cairn} command tree with its parser settings and error handling, ready to run or parse. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CairnCommand());
        List<CommandProvider> nested = new java.util.ArrayList<>();
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
            if (provider.parent() == null) {
                cl.addSubcommand(provider.command());
            } else {
                nested.add(provider);
            }
        }
        for (CommandProvider provider : nested) {
            CommandLine parent = cl.getSubcommands().get(provider.parent());
            if (parent == null) {
                throw new IllegalStateException("no command '" + provider.parent() + "' to hang "
                        + provider.command().getClass().getSimpleName() + " under");
            }
            parent.addSubcommand(provider.command());
        }
        // after the providers: `cairn mon --id a` runs the daemon (from mon/), `cairn mon stat` asks the monitors
        io.cairn.cli.admin.PgOsdCommands.installGroup(cl);
        MonCommandTree.install(cl);
        io.cairn.cli.admin.PgOsdCommands.install(cl);
        io.cairn.cli.fs.FsFileCommands.install(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Ceph takes any pool or object name, so `rados -p bench bench 30 write` and `-c status`
        // must not read the value as a subcommand. Values that are one of the command's options
        // stay refused (a forgotten value then fails here, not against the cluster) unless
        // attached, which NameOption handles. Both settings reach only subcommands added so far.
        cl.setAllowSubcommandsAsOptionParameters(true);
        cl.setAllowOptionsAsOptionParameters(false);
        cl.setExecutionStrategy(CairnMain::runLastKnown);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("cairn: " + oneLine(ex.getMessage()) + nameHint(ex));
            if (debugRequested(a)) {
                ex.printStackTrace(err);
            }
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = ((GlobalOptions) commandLine.getCommandSpec().root().userObject()).debug();
            int code = isUserError(ex) ? EXIT_USAGE : EXIT_FAILURE;
            err.println("cairn: " + oneLine(describe(ex)));
            if (debug) {
                ex.printStackTrace(err);
            }
            return code;
        });
        return cl;
    }

    /**
     * Runs the last command named, as picocli does, unless a word before it was not understood. A
     * command that takes words it does not know (a daemon's {@code --option value} overrides) would
     * otherwise let {@code osd foo ls} run {@code osd ls}, its unknown word dropped.
     */
    private static int runLastKnown(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult at = parsed; at.hasSubcommand(); at = at.subcommand()) {
            if (!at.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(at.commandSpec().commandLine(),
                        "unknown command '" + at.commandSpec().qualifiedName().replaceFirst("^cairn ", "") + " "
                                + String.join(" ", at.unmatched()) + "' (see '" + at.commandSpec().qualifiedName()
                                + " --help')");
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** How to give a name that picocli took for an option: attached to its option, or after {@code --}. */
    private static String nameHint(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException && ex.getMessage() != null
                && ex.getMessage().startsWith("Unknown option") && ex.getCommandLine() != null
                && !ex.getCommandLine().getCommandSpec().positionalParameters().isEmpty()) {
            return " (put -- before an argument that starts with '-')";
        }
        if (ex instanceof CommandLine.MissingParameterException mp && ex.getMessage() != null
                && ex.getMessage().startsWith("Expected parameter")) {
            for (CommandLine.Model.ArgSpec a : mp.getMissing()) {
                if (a instanceof CommandLine.Model.OptionSpec o && o.preprocessor() instanceof NameOption) {
                    return " (" + String.format(NameOption.ATTACH_HINT, o.longestName()) + ")";
                }
            }
        }
        return "";
    }

    private static boolean isUserError(Throwable ex) {
        if (ex instanceof io.cairn.common.CairnException ce) {
            return ce.code() == io.cairn.common.ErrorCode.EINVAL;
        }
        return ex instanceof UserInputException || ex instanceof CrushMapException
                || ex instanceof NoSuchFileException || ex instanceof IllegalArgumentException;
    }

    private static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException nf) {
            return "no such file: " + nf.getFile();
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "error";
        }
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }

    private static boolean debugRequested(String[] args) {
        for (String a : args) {
            if (a.equals("--debug")) {
                return true;
            }
        }
        return false;
    }
}
