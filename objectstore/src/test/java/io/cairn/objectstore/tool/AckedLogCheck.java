package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a store against a stress run's acked log: every object reads back as its last acked
 * transaction left it, or as a transaction begun after that did; and no unacked transaction is
 * visible on some of its objects but not on others.
 */
final class AckedLogCheck {
    record Begin(long txid, String coll, String oid, String sha) {}

    record Outcome(long acked, long unacked, long objects, long objectsAtUnackedState, List<String> problems) {}

    private AckedLogCheck() {}

    static Outcome check(ObjectStore store, Path logFile) throws IOException {
        // Killed before it opened the log: nothing was begun.
        String text = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        // A line cut short by the kill is not a record.
        int lastNewline = text.lastIndexOf('\n');
        text = lastNewline < 0 ? "" : text.substring(0, lastNewline + 1);
        LinkedHashMap<Long, List<Begin>> begins = new LinkedHashMap<>();
        Set<Long> acked = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t");
            switch (f[0]) {
                case "begin" -> begins.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>())
                        .add(new Begin(Long.parseLong(f[1]), f[2], f[3], f[4]));
                case "ack" -> acked.add(Long.parseLong(f[1]));
                default -> throw new IllegalStateException("bad acked-log line: " + line);
            }
        }
        List<String> problems = new ArrayList<>();
        for (long a : acked) {
            if (!begins.containsKey(a)) {
                problems.add("ack of transaction " + a + " that never began");
            }
        }
        Map<String, String> lastAcked = new HashMap<>();
        Map<String, Set<String>> laterBegun = new HashMap<>();
        Map<Long, Map<String, String>> before = new HashMap<>();
        Map<String, Long> lastAckedTxid = new HashMap<>();
        for (List<Begin> txn : begins.values()) {
            Map<String, String> pre = new HashMap<>();
            for (Begin b : txn) {
                String key = b.coll + "/" + b.oid;
                pre.put(key, lastAcked.getOrDefault(key, "-"));
                if (acked.contains(b.txid)) {
                    lastAcked.put(key, b.sha);
                    lastAckedTxid.put(key, b.txid);
                    laterBegun.remove(key);
                } else {
                    laterBegun.computeIfAbsent(key, k -> new HashSet<>()).add(b.sha);
                }
            }
            before.put(txn.get(0).txid, pre);
        }
        Map<String, String> actual = new HashMap<>();
        Set<String> keys = new HashSet<>(lastAcked.keySet());
        keys.addAll(laterBegun.keySet());
        long atUnacked = 0;
        for (String key : keys) {
            String coll = key.substring(0, key.indexOf('/'));
            String name = key.substring(key.indexOf('/') + 1);
            CollectionId c = CollectionId.of(coll);
            ObjectId o = ObjectId.head(name, name.hashCode());
            String sha = store.collectionExists(c) && store.exists(c, o) ? StressRunner.sha256(store.read(c, o, 0, 0)) : "-";
            actual.put(key, sha);
            String expected = lastAcked.getOrDefault(key, "-");
            Set<String> later = laterBegun.getOrDefault(key, Set.of());
            if (!sha.equals(expected)) {
                if (later.contains(sha)) {
                    atUnacked++;
                } else {
                    problems.add(key + " reads as " + sha + ", last acked " + expected + ", later begun " + later);
                }
            }
        }
        long unacked = 0;
        for (List<Begin> txn : begins.values()) {
            long txid = txn.get(0).txid;
            if (acked.contains(txid)) {
                continue;
            }
            unacked++;
            boolean superseded = txn.stream().anyMatch(b -> lastAckedTxid.getOrDefault(b.coll + "/" + b.oid, -1L) > txid);
            if (superseded || txn.size() < 2) {
                continue;
            }
            int applied = 0;
            int notApplied = 0;
            for (Begin b : txn) {
                String key = b.coll + "/" + b.oid;
                String pre = before.get(txid).get(key);
                if (pre.equals(b.sha)) {
                    continue;
                }
                if (actual.get(key).equals(b.sha)) {
                    applied++;
                } else if (actual.get(key).equals(pre)) {
                    notApplied++;
                }
            }
            if (applied > 0 && notApplied > 0) {
                problems.add("transaction " + txid + " is half applied: " + applied + " objects new, " + notApplied + " old");
            }
        }
        return new Outcome(acked.size(), unacked, keys.size(), atUnacked, problems);
    }
}
