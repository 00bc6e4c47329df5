package io.cairn.osd.op;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The object as the ops of one compound operation see it, op by op: the stored object with the
 * changes of the ops before applied on top. A guard late in an operation checks what the earlier
 * ops left, as in Ceph (a remove followed by an exclusive create succeeds on an existing object; a
 * cmpxattr after a setxattr sees the new value). Reads of the store happen only for names not yet
 * touched by the operation.
 */
final class GuardView {
    private final ObjectStore store;
    private final CollectionId coll;
    private final ObjectId oid;
    /** Whether a client sees the stored object (a whiteout head it does not). */
    private final BooleanSupplier stored;
    /** Whether the object exists as the ops so far leave it; null until first asked (a store read). */
    private Boolean exists;
    /** True once the operation removed the object: nothing stored below the overlay counts any more. */
    private boolean wiped;
    private boolean omapCleared;
    /** Xattrs (store names) the operation set (a value) or removed (empty). */
    private final Map<String, Optional<byte[]>> xattrs = new HashMap<>();
    private final Map<String, Optional<byte[]>> omap = new HashMap<>();

    GuardView(ObjectStore store, CollectionId coll, ObjectId oid, BooleanSupplier stored) {
        this.store = store;
        this.coll = coll;
        this.oid = oid;
        this.stored = stored;
    }

    boolean exists() {
        if (exists == null) {
            // most writes carry no guard: they never pay for this read
            exists = stored.getAsBoolean();
        }
        return exists;
    }

    /** True while the object is still the stored one (not removed and made again by this operation). */
    boolean isStored() {
        return exists() && !wiped;
    }

    void created() {
        exists = true;
    }

    void removed() {
        exists = false;
        wiped = true;
        omapCleared = true;
        xattrs.clear();
        omap.clear();
    }

    void setXattr(String storeName, byte[] value) {
        exists = true;
        xattrs.put(storeName, Optional.of(value));
    }

    void rmXattr(String storeName) {
        if (exists()) {
            xattrs.put(storeName, Optional.empty());
        }
    }

    /** The xattr's value as the earlier ops left it; empty when it does not exist. */
    Optional<byte[]> xattr(String storeName) {
        Optional<byte[]> mine = xattrs.get(storeName);
        if (mine != null) {
            return mine;
        }
        return exists() && !wiped ? store.getAttr(coll, oid, storeName) : Optional.empty();
    }

    void omapSet(Map<String, byte[]> entries) {
        exists = true;
        entries.forEach((k, v) -> omap.put(k, Optional.of(v)));
    }

    void omapRm(Iterable<String> keys) {
        if (exists()) {
            keys.forEach(k -> omap.put(k, Optional.empty()));
        }
    }

    void omapClear() {
        if (exists()) {
            omapCleared = true;
            omap.clear();
        }
    }

    /** The omap value as the earlier ops left it; empty when the key does not exist. */
    Optional<byte[]> omapValue(String key) {
        Optional<byte[]> mine = omap.get(key);
        if (mine != null) {
            return mine;
        }
        if (!exists() || wiped || omapCleared) {
            return Optional.empty();
        }
        return Optional.ofNullable(store.omapGetValuesByKeys(coll, oid, Set.of(key)).get(key));
    }
}
