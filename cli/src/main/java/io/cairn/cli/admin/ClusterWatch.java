package io.cairn.cli.admin;

import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.proto.v1.CommandReply;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cairn -w}: the status, then the cluster log as it grows, as {@code ceph -w} prints it.
 * Polls {@code log last} for entries after the newest one seen; runs until interrupted, or for
 * {@code seconds} when positive (scripts and tests).
 */
public final class ClusterWatch {
    private static final long POLL_MS = 1000;
    private static final int PAGE = 1000;

    private ClusterWatch() {}

    public static int run(CommandSpec spec, long seconds) {
        int code = MonCall.run(spec, "status", Map.of());
        if (code != 0) {
            return code;
        }
        PrintWriter out = spec.commandLine().getOut();
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        long seen = -1;
        try (MonClient mon = MonClient.fromConfig(MonCall.config(spec))) {
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                // the first page shows the last few lines, as ceph -w does
                Map<String, String> args = seen < 0 ? Map.of("num", "10")
                        : Map.of("num", Integer.toString(PAGE), "after", Long.toString(seen));
                CommandReply r = mon.command("log last", args);
                if (r.getCode() != 0 && r.getCode() != ErrorCode.EAGAIN.code()) {
                    spec.commandLine().getErr().println("Error " + ErrorCode.of(r.getCode()).name() + ": " + r.getMessage());
                    return 1;
                }
                if (r.getCode() == 0) {
                    out.print(r.getOutputPlain());
                    out.flush();
                    seen = Math.max(seen, 0);
                    for (Object e : (List<?>) Json.parse(r.getOutputJson())) {
                        seen = Math.max(seen, ((Number) ((Map<?, ?>) e).get("seq")).longValue());
                    }
                }
                Thread.sleep(Math.min(POLL_MS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
