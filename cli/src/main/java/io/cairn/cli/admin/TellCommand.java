package io.cairn.cli.admin;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.CommandProvider;
import io.cairn.common.net.Messenger;
import io.cairn.proto.v1.DaemonTellServiceGrpc;
import io.cairn.proto.v1.TellReply;
import io.cairn.proto.v1.TellRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn tell WHO ARGS...}: a command for one daemon itself, as Ceph's {@code ceph tell}
 * ({@code tell mds.a session ls}, {@code tell mds.a session evict id=N}). The daemon's answer is
 * printed as it gives it; errors as Ceph's ({@code Error ENOENT: ...}).
 */
@Command(name = "tell", mixinStandardHelpOptions = true,
        description = "Send a command to one daemon: tell mds.a session ls | session evict id=N | client ls.")
public final class TellCommand implements Callable<Integer> {
    /** An eviction waits for the monitors to commit the blocklisting. */
    private static final long CALL_TIMEOUT_MS = 60_000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHO", description = "The daemon: mds.X.")
    String who;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ARGS", description = "The command and its arguments.")
    List<String> args;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            DaemonAddress daemon = DaemonAddress.resolve(who, MonCall.config(spec));
            TellReply r = daemon.call("tell", channel -> Messenger.withDeadline(DaemonTellServiceGrpc
                    .newBlockingStub(channel), CALL_TIMEOUT_MS).tell(TellRequest.newBuilder().addAllArgs(args).build()));
            if (r.getCode() != 0) {
                throw new CairnException(ErrorCode.of(r.getCode()), r.getMessage());
            }
            if (!r.getOutput().isEmpty()) {
                out.println(r.getOutput().stripTrailing());
            }
            out.flush();
            return 0;
        } catch (CairnException e) {
            return MonCall.error(err, e.code(), e.getMessage());
        }
    }

    /** Listed in META-INF/services/io.cairn.common.cli.CommandProvider. */
    public static final class Provider implements CommandProvider {
        @Override
        public Object command() {
            return new TellCommand();
        }
    }
}
