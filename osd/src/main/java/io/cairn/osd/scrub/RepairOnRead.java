package io.cairn.osd.scrub;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.op.ReadRepair;
import io.cairn.osd.pg.ObjectTransfer;
import io.cairn.osd.pg.PgCopies;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ceph's repair on read: the primary's copy failed its store checksum, so it takes the copy of a
 * member whose copy reads clean and answers from that. Safe in the object's slot: every write
 * before this read is on every member, and none after it has started.
 */
public final class RepairOnRead implements ReadRepair {
    private static final Logger LOG = LoggerFactory.getLogger(RepairOnRead.class);

    private final PeerChannels peers;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PgScrubber scrubber;
    private final MonLink mon;
    private final int me;

    public RepairOnRead(PeerChannels peers, PgCopies copies, ObjectStore store, PgScrubber scrubber, MonLink mon,
                        int me) {
        this.peers = peers;
        this.copies = copies;
        this.store = store;
        this.scrubber = scrubber;
        this.mon = mon;
        this.me = me;
    }

    @Override
    public void repair(OsdMap map, PgId pg, CollectionId coll, ObjectId oid, ObjectLocator oloc,
                       ObjectStoreException.ChecksumError cause) {
        for (int osd : map.mapPg(pg).acting()) {
            if (osd == me) {
                continue;
            }
            try {
                ObjectTransfer.Source from = ObjectTransfer.pulled(peers.blocking(map, osd), osd, pg, oloc,
                        copies.transferChunkBytes());
                ObjectState first = from.piece(0, 0);
                if (!first.getExists()) {
                    continue;
                }
                ObjectTransfer.copy((snap, offset) -> snap == 0 && offset == 0 ? first : from.piece(snap, offset),
                        ObjectTransfer.stored(copies, coll, oid, txn -> store.queueTransactions(List.of(txn)).join()));
                scrubber.repairedHere();
                String line = pg + " " + oloc.getName() + " : read error on osd." + me + " ("
                        + cause.getMessage() + "), repaired from osd." + osd;
                LOG.warn("pg {}", line);
                mon.clusterLog("ERR", line);
                return;
            } catch (RuntimeException e) {
                LOG.info("pg {}: osd.{} could not give {} for a repair on read: {}", pg, osd, oloc.getName(),
                        OsdErrors.messageOf(e));
            }
        }
        throw cause;
    }
}
