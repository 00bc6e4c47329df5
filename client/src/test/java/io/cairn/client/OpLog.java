package io.cairn.client;

import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every request the fake OSDs answered, in the order they answered them, shared by all the OSDs
 * of one test. An entry is added before its reply is sent, so anything the client sends because
 * of that reply comes later in the log.
 */
final class OpLog {
    /** One answered request: who answered, what the client sent, and how it was answered. */
    record Entry(int osd, String client, long tid, int epoch, String object, String payload, ErrorCode answer,
                 long version, String addr) {
        static Entry of(int osd, OpRequest req, ErrorCode answer, long version) {
            return new Entry(osd, req.getClient(), req.getTid(), req.getEpoch(), req.getOloc().getName(),
                    OpLog.payload(req), answer, version, req.getAddr());
        }
    }

    /** The data of the request's first writeFull or append, as text ("" if none). */
    static String payload(OpRequest req) {
        for (OsdOp op : req.getOpsList()) {
            if (op.hasWriteFull()) {
                return op.getWriteFull().getData().toString(StandardCharsets.UTF_8);
            }
            if (op.hasAppend()) {
                return op.getAppend().getData().toString(StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(Entry e) {
        entries.add(e);
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    List<Entry> onObject(String object) {
        return entries().stream().filter(e -> e.object().equals(object)).toList();
    }

    List<Entry> atOsd(int osd) {
        return entries().stream().filter(e -> e.osd() == osd).toList();
    }

    /** The position of the first entry that matches, or -1. */
    synchronized int firstIndex(Predicate<Entry> p) {
        for (int i = 0; i < entries.size(); i++) {
            if (p.test(entries.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The position of the last entry that matches, or -1. */
    synchronized int lastIndex(Predicate<Entry> p) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (p.test(entries.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
