package io.cairn.osd.scrub;

import io.cairn.common.cli.Json;
import io.cairn.proto.v1.ScrubObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a PG's primary remembers of its last scrubs: when they ran, how many bad copies the last
 * one left, and those objects in the shape of Ceph's {@code rados list-inconsistent-obj}. Kept
 * as one xattr of the PG's meta object, so a restarted primary still reports the PG inconsistent.
 */
public record ScrubRecord(long lastScrubMs, long lastDeepScrubMs, long errors, int epoch,
                   List<Map<String, Object>> inconsistents) {
    static final String ATTR = "scrub";
    /** Keeps the xattr well under the store's 64 KiB value limit. */
    static final int PERSISTED_OBJECTS_MAX = 100;

    public ScrubRecord {
        inconsistents = List.copyOf(inconsistents);
    }

    static ScrubRecord fresh(long nowMs) {
        return new ScrubRecord(nowMs, nowMs, 0, 0, List.of());
    }

    byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("last_scrub_ms", lastScrubMs);
        m.put("last_deep_scrub_ms", lastDeepScrubMs);
        m.put("errors", errors);
        m.put("epoch", epoch);
        m.put("inconsistents", inconsistents.subList(0, Math.min(inconsistents.size(), PERSISTED_OBJECTS_MAX)));
        return Json.write(m, false).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static ScrubRecord decode(byte[] b) {
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(b, StandardCharsets.UTF_8));
        return new ScrubRecord(num(m, "last_scrub_ms"), num(m, "last_deep_scrub_ms"), num(m, "errors"),
                (int) num(m, "epoch"), (List<Map<String, Object>>) m.getOrDefault("inconsistents", List.of()));
    }

    private static long num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** One inconsistent object as Ceph's list-inconsistent-obj prints it. */
    static Map<String, Object> toJson(long pool, ObjectInconsistency i) {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("name", i.name());
        obj.put("nspace", i.nspace());
        obj.put("locator", i.key());
        obj.put("snap", i.snap() == -2 ? "head" : Long.toUnsignedString(i.snap()));
        ScrubObject auth = i.shards().stream().filter(s -> s.osd() == i.authOsd()).findFirst()
                .flatMap(ShardResult::copy).orElse(null);
        obj.put("version", auth == null ? 0 : auth.getVersion());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", obj);
        out.put("errors", i.objectErrors().stream().map(e -> e.cephName()).sorted().toList());
        out.put("union_shard_errors", i.unionShardErrors().stream().map(e -> e.cephName()).sorted().toList());
        if (auth != null) {
            Map<String, Object> sel = new LinkedHashMap<>();
            sel.put("oid", Map.of("oid", i.name(), "key", i.key(), "snapid", i.snap(), "hash", Integer.toUnsignedLong(auth.getHash()),
                    "max", 0, "pool", pool, "namespace", i.nspace()));
            sel.put("version", auth.getVersion());
            sel.put("size", auth.getSize());
            sel.put("osd", i.authOsd());
            out.put("selected_object_info", sel);
        }
        List<Map<String, Object>> shards = new ArrayList<>();
        for (ShardResult s : i.shards()) {
            Map<String, Object> sh = new LinkedHashMap<>();
            sh.put("osd", s.osd());
            sh.put("primary", s.primary());
            sh.put("errors", s.errors().stream().map(e -> e.cephName()).sorted().toList());
            s.copy().ifPresent(c -> {
                sh.put("size", c.getSize());
                if (c.getReadError().isEmpty()) {
                    sh.put("omap_digest", hex(c.getOmapDigest()));
                    sh.put("data_digest", hex(c.getDataDigest()));
                } else {
                    sh.put("read_error", c.getReadError());
                }
            });
            shards.add(sh);
        }
        out.put("shards", shards);
        return out;
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
