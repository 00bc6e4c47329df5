package io.cairn.mds;

import io.cairn.proto.v1.MdsCompletedRequest;
import io.cairn.proto.v1.MdsEvent;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsSessionRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completed requests per client (Ceph's SessionMap completed_requests): the answer to each
 * journaled request, so a request resent after a reply was lost, or to the next MDS after a
 * failover, is answered again instead of applied again. A client's oldest_client_tid releases
 * the answers below it; a client that never advances it is cut at {@code completedMax}.
 */
final class SessionTable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);

    private static final class Session {
        long oldestTid;
        final TreeMap<Long, MdsReply> completed = new TreeMap<>();
        boolean open;
        String addr = "";
    }

    private final int completedMax;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Set<Long> dirty = new HashSet<>();

    SessionTable(int completedMax) {
        this.completedMax = completedMax;
    }

    /** The answer already given to this request, or null. */
    MdsReply completed(long clientId, long tid) {
        Session s = sessions.get(clientId);
        return s == null ? null : s.completed.get(tid);
    }

    /** Records a journaled request's answer or session change (live and in replay alike). */
    void record(MdsEvent e) {
        if (e.hasSession()) {
            Session s = sessions.computeIfAbsent(e.getClientId(), k -> new Session());
            s.open = e.getSession().getOpen();
            s.addr = e.getSession().getAddr();
            if (!s.open) {
                // a closed (or evicted) client resends nothing: its answers can go with it
                s.completed.clear();
            }
            dirty.add(e.getClientId());
            return;
        }
        if (e.getTid() == 0) {
            return;
        }
        Session s = sessions.computeIfAbsent(e.getClientId(), k -> new Session());
        if (e.getOldestClientTid() > s.oldestTid) {
            s.oldestTid = e.getOldestClientTid();
            s.completed.headMap(s.oldestTid).clear();
        }
        s.completed.put(e.getTid(), e.getReply());
        if (s.completed.size() > completedMax) {
            LOG.warn("client {} has {} completed requests and does not advance its oldest tid: forgetting tid {}",
                    e.getClientId(), s.completed.size(), s.completed.firstKey());
            s.completed.pollFirstEntry();
        }
        dirty.add(e.getClientId());
    }

    /** A session as read from the session map object. */
    void install(MdsSessionRecord r) {
        Session s = new Session();
        s.oldestTid = r.getOldestClientTid();
        s.open = r.getOpen();
        s.addr = r.getAddr();
        for (MdsCompletedRequest c : r.getCompletedList()) {
            s.completed.put(c.getTid(), c.getReply());
        }
        sessions.put(r.getClientId(), s);
    }

    int clients() {
        return sessions.size();
    }

    /** The clients whose sessions were open when the journal ends, with their addresses. */
    Map<Long, String> openSessions() {
        Map<Long, String> out = new TreeMap<>();
        sessions.forEach((id, s) -> {
            if (s.open) {
                out.put(id, s.addr);
            }
        });
        return out;
    }

    /** The sessions changed since the last writeback, as omap values (null: remove the key); marks them clean. */
    Map<String, byte[]> takeDirty() {
        Map<String, byte[]> out = new HashMap<>();
        for (long client : dirty) {
            Session s = sessions.get(client);
            if (s == null || (!s.open && s.completed.isEmpty())) {
                sessions.remove(client);
                out.put(MdsObjects.inoKey(client), null);
                continue;
            }
            MdsSessionRecord.Builder r = MdsSessionRecord.newBuilder().setClientId(client).setOldestClientTid(s.oldestTid)
                    .setOpen(s.open).setAddr(s.addr);
            s.completed.forEach((tid, reply) -> r.addCompleted(MdsCompletedRequest.newBuilder().setTid(tid)
                    .setReply(reply)));
            out.put(MdsObjects.inoKey(client), r.build().toByteArray());
        }
        dirty.clear();
        return out;
    }

    void restoreDirty(Set<String> keys) {
        keys.forEach(k -> dirty.add(MdsObjects.inoOfKey(k)));
    }
}
