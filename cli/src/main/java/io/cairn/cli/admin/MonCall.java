package io.cairn.cli.admin;

import io.cairn.common.mon.MonClient;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.CliConfig;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.config.CairnConfig;
import io.cairn.proto.v1.CommandReply;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs one mon command for a CLI subcommand and prints the reply as Ceph's CLI does: the result
 * on stdout (plain or JSON), status messages on stderr, {@code Error EINVAL: ...} on failure.
 * Exit codes: 0 success; 2 for a refused command (bad input, unknown name, not permitted);
 * 1 when the monitors could not be reached or failed.
 */
public final class MonCall {
    private MonCall() {}

    /** The config a CLI run uses: see {@link CliConfig#load}. */
    public static CairnConfig config(CommandSpec spec) {
        return CliConfig.load((GlobalOptions) spec.root().userObject());
    }

    /** A connected Rados handle from the same config (its client options included), for commands that go to OSDs. */
    public static io.cairn.client.Rados rados(CommandSpec spec) {
        return io.cairn.client.Rados.connect(config(spec));
    }

    public static int run(CommandSpec spec, String prefix, Map<String, String> args) {
        GlobalOptions g = (GlobalOptions) spec.root().userObject();
        CommandReply reply;
        try (MonClient mon = MonClient.fromConfig(config(spec))) {
            reply = mon.command(prefix, args);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (reply.getCode() != 0) {
            return error(err, ErrorCode.of(reply.getCode()), reply.getMessage());
        }
        print(g.format(), reply, out);
        if (!reply.getMessage().isEmpty()) {
            err.println(reply.getMessage());
        }
        out.flush();
        err.flush();
        return 0;
    }

    /** Prints Ceph's error line ({@code Error ENOENT: ...}); the exit code: 2 for a bad request, 1 otherwise. */
    public static int error(PrintWriter err, ErrorCode code, String message) {
        err.println("Error " + code.name() + ": " + message);
        err.flush();
        return switch (code) {
            case EINVAL, ENOENT, EEXIST, EPERM, ERANGE, EBUSY, ENOTEMPTY, EACCES -> 2;
            default -> 1;
        };
    }

    private static void print(OutputFormat format, CommandReply reply, PrintWriter out) {
        String json = reply.getOutputJson();
        if (format.isJson()) {
            if (!json.isEmpty()) {
                out.println(format == OutputFormat.JSON_PRETTY ? Json.pretty(json) : json);
            }
            return;
        }
        out.print(reply.getOutputPlain());
    }

}
