package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.CommandReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A connection to a cluster, as librados's {@code Rados}: connected in one step, from a
 * {@link CairnConfig} ({@link #connect(CairnConfig)}) or a {@link Builder} ({@link Builder#connect()}),
 * shared by any number of {@link IoCtx}s and threads, closed once. Pool management and mon commands
 * live here.
 */
public final class Rados implements AutoCloseable {
    private final MonClient mon;
    private final MapFollower maps;
    private final Objecter objecter;
    private final String address;
    private volatile boolean closed;

    private Rados(MonClient mon, MapFollower maps, Objecter objecter, String address) {
        this.mon = mon;
        this.maps = maps;
        this.objecter = objecter;
        this.address = address;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Talks to the monitors named by {@code mon_host} and fetches the OSDMap; throws
     * {@link RadosException.Timeout} if none answers within {@code rados_mon_op_timeout}.
     */
    public static Rados connect(CairnConfig config) {
        MonClient mon = MonClient.fromConfig(config);
        MapFollower maps = new MapFollower(mon);
        try {
            maps.start(config.get(CairnConfigKeys.Client.MON_OP_TIMEOUT));
        } catch (RuntimeException e) {
            // nothing else holds them: a handle that failed to connect leaks no channels or threads
            maps.close();
            mon.close();
            if (e instanceof CairnException ce && !(e instanceof RadosException)) {
                throw RadosException.of(ce.code(), ce.getMessage());
            }
            throw e;
        }
        java.security.SecureRandom random = new java.security.SecureRandom();
        // unique per instance: OSDs recognise a resent request by client and tid
        String instance = config.entity() + "." + Long.toUnsignedString(random.nextLong(), 36);
        // what `osd blocklist` fences this handle by; every OSD op carries it
        String address = ClientAddress.forHandle(mon.addresses(), random).toString();
        return new Rados(mon, maps, new Objecter(maps, instance, address, config.get(CairnConfigKeys.Client.OSD_OP_TIMEOUT),
                Clock.SYSTEM), address);
    }

    /**
     * This handle's entity address, Ceph's {@code ip:0/nonce} (the nonce random per handle): what an
     * MDS or an operator blocklists ({@code osd blocklist add}) to fence it.
     */
    public String address() {
        return address;
    }

    /** Checks each value when set; {@link #connect()} gives a connected handle. */
    public static final class Builder {
        private Path conf;
        private String clientName = "client.admin";
        private final Map<String, String> overrides = new HashMap<>();

        public Builder conf(Path path) {
            conf = Objects.requireNonNull(path);
            return this;
        }

        public Builder monHost(String hosts) {
            if (hosts.isBlank()) {
                throw new IllegalArgumentException("mon_host is empty");
            }
            overrides.put(CairnConfigKeys.Global.MON_HOST.name(), hosts);
            return this;
        }

        public Builder clientName(String name) {
            if (!name.startsWith("client.")) {
                throw new IllegalArgumentException("client names start with 'client.': " + name);
            }
            clientName = name;
            return this;
        }

        public Builder opTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("op timeout must be positive");
            }
            overrides.put(CairnConfigKeys.Client.OSD_OP_TIMEOUT.name(), timeout.toMillis() + "ms");
            return this;
        }

        /** Reads the config (the conf file, then what was set here) and connects as {@link Rados#connect(CairnConfig)}. */
        public Rados connect() {
            return Rados.connect(CairnConfig.load(conf, clientName, overrides));
        }
    }

    private Objecter objecter() {
        if (closed) {
            throw new IllegalStateException("this Rados handle is closed");
        }
        return objecter;
    }

    /** An I/O context on a pool. */
    public IoCtx ioCtx(String poolName) {
        Pool p = map().pool(poolName);
        if (p == null) {
            p = maps.refresh().pool(poolName);
        }
        if (p == null) {
            throw new RadosException.NotFound("pool '" + poolName + "' does not exist");
        }
        return new IoCtx(objecter(), p.id(), p.name(), new PoolSnapshots(mon, maps, p.name()));
    }

    /** The newest OSDMap this client has. */
    public OsdMap map() {
        objecter();
        return maps.map();
    }

    /** The newest FsMap (file systems and MDS daemons), asked of the monitors each time. */
    public io.cairn.proto.v1.FsMapData fsMap() {
        objecter();
        try {
            return mon.getFsMap();
        } catch (RadosException e) {
            throw e;
        } catch (CairnException e) {
            throw RadosException.of(e.code(), e.getMessage());
        }
    }

    public CommandReply monCommand(String prefix, Map<String, String> args) {
        objecter();
        return mon.command(prefix, args);
    }

    /**
     * An operator command to a PG's primary OSD, as {@code ceph pg scrub|deep-scrub|repair PGID}
     * and {@code rados list-inconsistent-obj PGID}: the reply's JSON, or a RadosException.
     */
    public String pgCommand(String pgid, String command) {
        PgId pg;
        try {
            pg = PgId.parse(pgid);
        } catch (IllegalArgumentException e) {
            throw RadosException.of(ErrorCode.EINVAL, "bad pgid '" + pgid + "': " + e.getMessage());
        }
        var r = objecter().pgCommand(pg, command);
        if (r.getCode() != 0) {
            throw RadosException.of(ErrorCode.of(r.getCode()), r.getMessage());
        }
        return r.getOutputJson();
    }

    public long poolCreate(String name, int pgNum) {
        check(monCommand("osd pool create", Map.of("pool", name, "pg_num", Integer.toString(pgNum))));
        return maps.refresh().pool(name).id();
    }

    /** Deletes a pool (the monitors must allow pool deletion). */
    public void poolDelete(String name) {
        check(monCommand("osd pool rm", Map.of("pool", name, "pool2", name, "yes_i_really_really_mean_it", "true")));
        maps.refresh();
    }

    /** The id of a pool, or -1. */
    public long poolLookup(String name) {
        Pool p = maps.refresh().pool(name);
        return p == null ? -1 : p.id();
    }

    public List<String> poolList() {
        return maps.refresh().pools().values().stream().map(Pool::name).toList();
    }

    /** Cluster totals, as {@code cairn df} reports them. */
    @SuppressWarnings("unchecked")
    public ClusterStats clusterStats() {
        CommandReply r = monCommand("df", Map.of());
        check(r);
        Map<String, Object> df = (Map<String, Object>) io.cairn.common.cli.Json.parse(r.getOutputJson());
        Map<String, Object> st = (Map<String, Object>) df.get("stats");
        long objects = 0;
        for (Object p : (List<Object>) df.get("pools")) {
            objects += num(((Map<String, Object>) ((Map<String, Object>) p).get("stats")).get("objects"));
        }
        return new ClusterStats(num(st.get("total_bytes")), num(st.get("total_used_raw_bytes")),
                num(st.get("total_avail_bytes")), objects);
    }

    /** One pool's stats, as {@code cairn df} reports them. */
    @SuppressWarnings("unchecked")
    public PoolStats poolStats(String pool) {
        CommandReply r = monCommand("df", Map.of());
        check(r);
        Map<String, Object> df = (Map<String, Object>) io.cairn.common.cli.Json.parse(r.getOutputJson());
        for (Object o : (List<Object>) df.get("pools")) {
            Map<String, Object> p = (Map<String, Object>) o;
            if (pool.equals(p.get("name"))) {
                Map<String, Object> st = (Map<String, Object>) p.get("stats");
                return new PoolStats(pool, num(st.get("stored")), num(st.get("objects")), num(st.get("bytes_used")),
                        num(st.get("max_avail")));
            }
        }
        throw new RadosException.NotFound("pool '" + pool + "' does not exist");
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static void check(CommandReply r) {
        if (r.getCode() != 0) {
            throw RadosException.of(ErrorCode.of(r.getCode()), r.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            objecter.close();
            maps.close();
            mon.close();
        }
    }
}
