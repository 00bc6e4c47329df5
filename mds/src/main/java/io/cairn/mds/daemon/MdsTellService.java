package io.cairn.mds.daemon;

import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.mds.ClientSessions;
import io.cairn.proto.v1.DaemonTellServiceGrpc;
import io.cairn.proto.v1.TellReply;
import io.cairn.proto.v1.TellRequest;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code cairn tell mds.X ...}: {@code session ls} (also {@code client ls}) lists the active rank's
 * client sessions as Ceph's JSON does; {@code session evict id=N} (also {@code client evict})
 * evicts one — blocklisting its address first, unless {@code mds_session_blocklist_on_evict} is off
 * — and answers once it is gone. Never blocks a gRPC thread.
 */
final class MdsTellService extends DaemonTellServiceGrpc.DaemonTellServiceImplBase {
    private final String name;
    private final Supplier<MdsServiceImpl.Serving> active;
    private final Supplier<String> state;
    private final Supplier<Boolean> blocklistOnEvict;

    MdsTellService(String name, Supplier<MdsServiceImpl.Serving> active, Supplier<String> state,
                   Supplier<Boolean> blocklistOnEvict) {
        this.name = name;
        this.active = active;
        this.state = state;
        this.blocklistOnEvict = blocklistOnEvict;
    }

    @Override
    public void tell(TellRequest req, StreamObserver<TellReply> out) {
        List<String> args = req.getArgsList();
        String verb = args.size() >= 2 ? args.get(0) + " " + args.get(1) : String.join(" ", args);
        switch (verb) {
            case "session ls", "client ls" -> withSessions(out, hub -> reply(out, 0, "", sessionList(hub)));
            case "session evict", "client evict" -> withSessions(out, hub -> evict(hub, args.subList(2, args.size()), out));
            default -> reply(out, ErrorCode.EINVAL.code(), "unrecognized command '" + String.join(" ", args)
                    + "' (mds." + name + " knows: session ls, session evict id=N, client ls, client evict id=N)", "");
        }
    }

    private void withSessions(StreamObserver<TellReply> out, Consumer<SessionHub> then) {
        MdsServiceImpl.Serving serving = active.get();
        if (serving == null) {
            reply(out, ErrorCode.EAGAIN.code(), "mds." + name + " is not active (" + state.get()
                    + "): it has no client sessions", "");
            return;
        }
        then.accept(serving.sessions());
    }

    private void evict(SessionHub hub, List<String> filters, StreamObserver<TellReply> out) {
        Long id = null;
        for (String f : filters) {
            if (f.startsWith("id=")) {
                try {
                    id = Long.parseUnsignedLong(f.substring(3));
                } catch (NumberFormatException e) {
                    reply(out, ErrorCode.EINVAL.code(), "bad client id '" + f.substring(3) + "'", "");
                    return;
                }
            } else {
                reply(out, ErrorCode.EINVAL.code(), "unsupported filter '" + f + "': give id=N", "");
                return;
            }
        }
        if (id == null) {
            reply(out, ErrorCode.EINVAL.code(), "give the client to evict: id=N (see session ls)", "");
            return;
        }
        long clientId = id;
        hub.evict(clientId, blocklistOnEvict.get()).whenComplete((v, e) -> {
            if (e == null) {
                reply(out, 0, "", "");
            } else if (e instanceof IllegalArgumentException) {
                reply(out, ErrorCode.ENOENT.code(), "no client session with id " + Long.toUnsignedString(clientId), "");
            } else {
                reply(out, ErrorCode.EIO.code(), String.valueOf(e), "");
            }
        });
    }

    static String sessionList(SessionHub hub) {
        long nowMs = hub.nowMs();
        List<Object> out = new ArrayList<>();
        for (SessionHub.Listed listed : hub.list()) {
            ClientSessions.Info s = listed.info();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("entity", Map.of("name", s.entity() == null ? "" : s.entity(), "addr", nullToEmpty(s.addr())));
            m.put("state", s.state().cephName());
            m.put("num_leases", listed.numLeases());
            m.put("num_caps", listed.numCaps());
            m.put("uptime", (nowMs - s.openedMs()) / 1000.0);
            m.put("last_renew_ago", (nowMs - s.lastRenewMs()) / 1000.0);
            m.put("inst", nullToEmpty(s.entity()) + " v1:" + nullToEmpty(s.addr()));
            m.put("client_metadata", Map.of("entity_id", nullToEmpty(s.entity()), "hostname", nullToEmpty(s.hostname())));
            out.add(m);
        }
        return Json.write(out, true);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void reply(StreamObserver<TellReply> out, int code, String message, String output) {
        out.onNext(TellReply.newBuilder().setCode(code).setMessage(message).setOutput(output).build());
        out.onCompleted();
    }
}
