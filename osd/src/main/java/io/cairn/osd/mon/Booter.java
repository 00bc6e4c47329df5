package io.cairn.osd.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSD's standing with the monitors: registers it (same uuid, same id), boots it, sends its
 * beacons, and boots it again when a map marks it down while it is alive (a false failure report,
 * or a pause longer than the heartbeat grace) — as Ceph's OSD does on seeing itself wrongly down.
 */
public final class Booter {
    private static final Logger LOG = LoggerFactory.getLogger(Booter.class);
    /** A map marking the OSD down within this long after a boot may predate the boot: not acted on. */
    private static final long BOOT_SETTLE_MS = 5000;
    private static final Duration BOOT_MAP_WAIT = Duration.ofSeconds(10);

    private final MonLink link;
    private final MapFollower maps;
    private final Clock clock;
    private final int id;
    private final String uuid;
    private final LongSupplier storeTotalBytes;
    private volatile String address = "";
    private volatile String host = "";
    private volatile String crushLocation = "";
    private volatile long lastBootMs;
    private volatile boolean stopping;

    public Booter(MonLink link, MapFollower maps, Clock clock, int id, String uuid, LongSupplier storeTotalBytes) {
        this.link = link;
        this.maps = maps;
        this.clock = clock;
        this.id = id;
        this.uuid = uuid;
        this.storeTotalBytes = storeTotalBytes;
        this.lastBootMs = clock.monotonicMs();
    }

    /** The monitors must know this OSD (same uuid, same id) before it boots. */
    public void register() {
        var reply = link.client().command("osd create", Map.of("uuid", uuid, "id", Integer.toString(id)));
        if (reply.getCode() != 0 && reply.getCode() != ErrorCode.EEXIST.code()) {
            throw new CairnException(ErrorCode.of(reply.getCode()), "registering osd." + id + ": " + reply.getMessage());
        }
    }

    /**
     * Boots at {@code address} in CRUSH host {@code host} (under the rest of {@code crushLocation},
     * e.g. its rack); returns once the map saying so arrived (or 10 s).
     */
    public void boot(String bootAddress, String crushHost, String location) {
        this.address = bootAddress;
        this.host = crushHost;
        this.crushLocation = location;
        boot();
    }

    private void boot() {
        lastBootMs = clock.monotonicMs();
        double tib = storeTotalBytes.getAsLong() / (double) (1L << 40);
        int epoch = link.client().osdBoot(id, uuid, address, host, crushLocation, Math.max(0.01, tib));
        link.contacted();
        maps.awaitEpoch(epoch, BOOT_MAP_WAIT);
        LOG.info("osd.{} booted in epoch {}", id, epoch);
    }

    /** The periodic sign of life (monitor executor). */
    public void beacon() {
        try {
            OsdMap m = maps.map();
            link.client().osdBeacon(id, m == null ? 0 : m.epoch());
            link.contacted();
        } catch (RuntimeException e) {
            LOG.debug("beacon failed: {}", e.toString());
        }
    }

    public boolean markedDownWhileAlive(OsdMap m) {
        return !stopping && m != null && !m.isUp(id) && m.exists(id) && clock.monotonicMs() - lastBootMs > BOOT_SETTLE_MS;
    }

    /** Boots again if {@code m} marks this live OSD down (monitor executor). */
    public void bootAgainIfMarkedDown(OsdMap m) {
        if (!markedDownWhileAlive(m)) {
            return;
        }
        LOG.warn("osd.{} is marked down in epoch {} but alive: booting again", id, m.epoch());
        try {
            boot();
        } catch (RuntimeException e) {
            LOG.warn("re-boot failed: {}", e.toString());
        }
    }

    /** From now on a map marking this OSD down is its own doing. */
    public void stopping() {
        stopping = true;
    }
}
