package io.cairn.cli.admin;

import io.cairn.common.CairnException;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.config.ConfigShowView;
import io.cairn.common.net.Messenger;
import io.cairn.proto.v1.ConfigShowReply;
import io.cairn.proto.v1.ConfigShowRequest;
import io.cairn.proto.v1.DaemonAdminServiceGrpc;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code config show WHO [KEY]} and {@code config show-with-defaults WHO}: what one daemon runs
 * with, asked of the daemon itself through its {@code DaemonAdminService} (only it knows its file
 * and command line). Prints as {@link ConfigShowView}; errors as Ceph's ({@code Error ENOENT: ...}).
 */
final class ConfigShowCommand {
    private static final long CALL_TIMEOUT_MS = 5_000;

    private ConfigShowCommand() {}

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The options a daemon (osd.N, mon.X) runs "
            + "with that are set somewhere or wait for a restart: value, source (file, mon, override, runtime), the "
            + "values they override, and those ignored until a restart. With KEY, the one value in effect.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "WHO")
        String who;

        @Parameters(index = "1", arity = "0..1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return run(spec, who, key, false);
        }
    }

    @Command(name = "show-with-defaults", mixinStandardHelpOptions = true,
            description = "As config show, with every option, defaults included.")
    static final class ShowWithDefaults implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "WHO")
        String who;

        @Override
        public Integer call() {
            return run(spec, who, null, true);
        }
    }

    private static int run(CommandSpec spec, String who, String key, boolean withDefaults) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputFormat format = ((GlobalOptions) spec.root().userObject()).format();
        try {
            ConfigShowReply reply = ask(DaemonAddress.resolve(who, MonCall.config(spec)));
            if (key != null) {
                String value = ConfigShowView.value(reply, key);
                if (value == null) {
                    throw CairnException.notFound("unrecognized key '" + key + "'");
                }
                out.println(format.isJson() ? Json.write(value, false) : value);
            } else if (format.isJson()) {
                out.println(Json.write(ConfigShowView.json(reply, withDefaults), format == OutputFormat.JSON_PRETTY));
            } else {
                out.print(ConfigShowView.plain(reply, withDefaults));
            }
            out.flush();
            return 0;
        } catch (CairnException e) {
            return MonCall.error(err, e.code(), e.getMessage());
        }
    }

    private static ConfigShowReply ask(DaemonAddress daemon) {
        return daemon.call("config show", channel -> Messenger.withDeadline(DaemonAdminServiceGrpc
                .newBlockingStub(channel), CALL_TIMEOUT_MS).configShow(ConfigShowRequest.getDefaultInstance()));
    }
}
