package io.cairn.common.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every config option, grouped by the daemon that reads it. Names follow Ceph's where Ceph has
 * the option. {@link #all()} finds them by reflection; a test checks each one's shape.
 */
public final class CairnConfigKeys {
    private CairnConfigKeys() {}

    private static ConfigOption.Builder<Integer> intOpt(String name, int def) {
        return ConfigOption.builder(name, ConfigType.INT, def);
    }

    private static ConfigOption.Builder<Duration> seconds(String name, long defSeconds) {
        return ConfigOption.<Duration>builder(name, ConfigType.SECONDS, Duration.ofSeconds(defSeconds)).unit("seconds");
    }

    /** Options every daemon and client reads, usually set in [global]. */
    public static final class Global {
        private Global() {}

        public static final ConfigOption<String> MON_HOST = ConfigOption.builder("mon_host", ConfigType.STRING, "")
                .description("Comma-separated host:port of the monitors' public endpoints: the initial members first, in "
                        + "mon_initial_members order, then any added later (clients try them all).")
                .build();
        public static final ConfigOption<String> MON_INITIAL_MEMBERS = ConfigOption
                .builder("mon_initial_members", ConfigType.STRING, "")
                .description("Comma-separated names (a,b,c) of the monitors that form the first quorum: the first as many "
                        + "addresses of mon_host.").build();
        public static final ConfigOption<String> FSID = ConfigOption.builder("fsid", ConfigType.STRING, "")
                .check(v -> v.isEmpty() || v.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"), "a UUID")
                .description("The cluster's id (a UUID): the monitors' Raft group and the maps carry it; a monitor "
                        + "joining a running cluster needs it (empty: derived from mon_initial_members).").build();
        public static final ConfigOption<String> PUBLIC_ADDR = ConfigOption
                .builder("public_addr", ConfigType.STRING, "127.0.0.1:0")
                .description("host:port the daemon serves clients on; port 0 picks a free one (an OSD's choice; a "
                        + "monitor not named in mon_host serves on the port given here).").build();
        public static final ConfigOption<Integer> MON_RAFT_PORT_OFFSET = intOpt("mon_raft_port_offset", 1000)
                .check(v -> v > 0 && v < 60000, "1..59999")
                .description("A monitor's Raft port is its public port plus this.").build();
        public static final ConfigOption<Integer> METRICS_PORT_OFFSET = intOpt("metrics_port_offset", 2000)
                .check(v -> v >= 0 && v < 60000, "0..59999")
                .description("A daemon serves Prometheus /metrics on its public port plus this; 0 disables.").build();
        public static final ConfigOption<String> RUN_DIR = ConfigOption.builder("run_dir", ConfigType.STRING, "")
                .description("Directory of a local cluster: data under it, pid files, log/.").build();
        public static final ConfigOption<String> DAEMON_JIT = ConfigOption.builder("daemon_jit", ConfigType.STRING, "auto")
                .check(v -> v.equals("auto") || v.equals("c1") || v.equals("c2"), "auto, c1 or c2")
                .description("JIT a launched daemon's JVM uses: c1 compiles little and soon, c2 compiles more for a "
                        + "faster peak; auto picks c1 on hosts of at most 4 cores, where C2's compile work competes "
                        + "with the daemons for CPU.").build();
        public static final ConfigOption<String> DAEMON_JVM_ARGS = ConfigOption.builder("daemon_jvm_args", ConfigType.STRING, "")
                .description("Extra JVM arguments for a launched daemon, after the ones sized from its memory target "
                        + "(space-separated; the environment's CAIRN_DAEMON_JAVA_OPTS goes after these).").build();
    }

    /** Monitor options. */
    public static final class Mon {
        private Mon() {}

        public static final ConfigOption<String> MON_DATA = ConfigOption.builder("mon_data", ConfigType.STRING, "")
                .description("The monitor's data directory (Raft log, snapshots); default run_dir/mon.<id>.").build();
        public static final ConfigOption<Long> MEMORY_TARGET = ConfigOption
                .builder("mon_memory_target", ConfigType.BYTES, 2L << 30).unit("bytes")
                .check(v -> v >= 256L << 20, ">= 256 MiB")
                .description("Memory a monitor aims to stay within; its launcher sizes the JVM's heap and direct "
                        + "buffers from it (read at start).").build();
        public static final ConfigOption<Integer> MIN_DOWN_REPORTERS = intOpt("mon_osd_min_down_reporters", 2)
                .check(v -> v >= 1, ">= 1")
                .description("Reporters from distinct failure domains needed to mark an OSD down.").runtime().build();
        public static final ConfigOption<String> REPORTER_SUBTREE_LEVEL = ConfigOption
                .builder("mon_osd_reporter_subtree_level", ConfigType.STRING, "host")
                .description("The CRUSH type whose buckets count as distinct failure reporters.").runtime().build();
        public static final ConfigOption<Duration> REPORT_TIMEOUT = seconds("mon_osd_report_timeout", 900)
                .description("Mark an up OSD down after this long without a beacon.").runtime().build();
        public static final ConfigOption<Duration> DOWN_OUT_INTERVAL = seconds("mon_osd_down_out_interval", 600)
                .description("Mark a down OSD out after this long (unless noout); 0 never.").runtime().build();
        public static final ConfigOption<Double> MIN_IN_RATIO = ConfigOption
                .builder("mon_osd_min_in_ratio", ConfigType.DOUBLE, 0.75)
                .check(v -> v >= 0 && v <= 1, "0..1")
                .description("Never auto-mark OSDs out below this fraction of existing OSDs in.").runtime().build();
        public static final ConfigOption<Integer> MIN_OSDMAP_EPOCHS = intOpt("mon_min_osdmap_epochs", 500)
                .check(v -> v >= 1, ">= 1")
                .description("OSDMap epochs the monitors keep (as full maps or incrementals) before trimming.").build();
        public static final ConfigOption<Boolean> ALLOW_POOL_DELETE = ConfigOption
                .builder("mon_allow_pool_delete", ConfigType.BOOL, Boolean.FALSE)
                .description("Whether `osd pool rm` may delete pools at all.").runtime().build();
        public static final ConfigOption<Integer> MAX_POOL_PG_NUM = intOpt("mon_max_pool_pg_num", 65536)
                .check(v -> v >= 1, ">= 1").description("Largest pg_num a pool may have.").build();
        public static final ConfigOption<Duration> TICK_INTERVAL = seconds("mon_tick_interval", 1)
                .description("How often the leader checks beacons, failure reports and down-out timers.").build();
        public static final ConfigOption<Duration> ELECTION_TIMEOUT_MIN = ConfigOption
                .<Duration>builder("mon_election_timeout_min", ConfigType.MILLIS, Duration.ofMillis(1000)).unit("ms")
                .description("Raft election timeout, lower bound.").build();
        public static final ConfigOption<Duration> ELECTION_TIMEOUT_MAX = ConfigOption
                .<Duration>builder("mon_election_timeout_max", ConfigType.MILLIS, Duration.ofMillis(2000)).unit("ms")
                .description("Raft election timeout, upper bound.").build();
        public static final ConfigOption<Long> SNAPSHOT_THRESHOLD = ConfigOption
                .builder("mon_raft_snapshot_threshold", ConfigType.LONG, 1024L).unit("entries")
                .check(v -> v >= 16, ">= 16")
                .description("Raft log entries between automatic state snapshots.").build();
        public static final ConfigOption<Long> LOG_PRESERVE = ConfigOption
                .builder("mon_raft_log_preserve", ConfigType.LONG, 512L).unit("entries")
                .check(v -> v >= 0, ">= 0")
                .description("Raft log entries kept behind a snapshot so slow followers catch up from the log.").build();
        public static final ConfigOption<Duration> BLOCKLIST_DEFAULT_EXPIRE = seconds("mon_osd_blocklist_default_expire", 3600)
                .check(v -> v.toMillis() >= 1, "> 0 s")
                .description("How long `osd blocklist add` fences a client address when no expiry is given; the "
                        + "leader removes entries once they expire.").runtime().build();
        public static final ConfigOption<Integer> SUBSCRIBER_BACKLOG_MAX = intOpt("mon_subscriber_backlog_max", 256)
                .check(v -> v >= 1, ">= 1").unit("updates")
                .description("Map updates queued for one slow subscriber before it is dropped (it re-subscribes).").build();
    }

    /** Pool defaults, read by the monitors when a pool is created (Ceph keeps them under osd_). */
    public static final class Pool {
        private Pool() {}

        public static final ConfigOption<Integer> DEFAULT_SIZE = intOpt("osd_pool_default_size", 3)
                .check(v -> v >= 1 && v <= 10, "1..10").description("Replicas of a new pool.").runtime().build();
        public static final ConfigOption<Integer> DEFAULT_MIN_SIZE = intOpt("osd_pool_default_min_size", 0)
                .check(v -> v >= 0 && v <= 10, "0..10")
                .description("min_size of a new pool; 0 = size - size/2.").runtime().build();
        public static final ConfigOption<Integer> DEFAULT_PG_NUM = intOpt("osd_pool_default_pg_num", 32)
                .check(v -> v >= 1, ">= 1").description("pg_num of a new pool when none is given.").runtime().build();
    }

    /** OSD options (some the monitors read too, e.g. for failure detection and space health). */
    public static final class Osd {
        private Osd() {}

        public static final ConfigOption<Duration> BEACON_REPORT_INTERVAL = seconds("osd_beacon_report_interval", 300)
                .check(v -> v.toSeconds() >= 1, ">= 1 s")
                .description("How often an OSD sends the monitors a beacon.").build();
        public static final ConfigOption<Duration> MON_CONTACT_GRACE = seconds("osd_mon_contact_grace", 30)
                .description("An OSD that has not heard from the monitors for this long stops serving as primary.")
                .runtime().build();
        public static final ConfigOption<Duration> MON_REPORT_INTERVAL = seconds("osd_mon_report_interval", 5)
                .check(v -> v.toMillis() >= 500, ">= 0.5 s")
                .description("How often an OSD reports its space and PG stats to the monitors.").build();
        public static final ConfigOption<Long> MEMORY_TARGET = ConfigOption
                .builder("osd_memory_target", ConfigType.BYTES, 4L << 30).unit("bytes")
                .check(v -> v >= 256L << 20, ">= 256 MiB")
                .description("Memory an OSD aims to stay within; its launcher sizes the JVM's heap and direct "
                        + "buffers from it (read at start).").build();
        public static final ConfigOption<Long> PREFER_DEFERRED_SIZE = ConfigOption
                .builder("blockstore_prefer_deferred_size", ConfigType.BYTES, 64L << 10).unit("bytes")
                .check(v -> v >= 0 && v <= 1L << 20, "0..1 MiB")
                .description("Writes of at most this size are made durable in the store's metadata commit and reach "
                        + "the block file later, many per sync (BlueStore's bluestore_prefer_deferred_size); 0 writes "
                        + "all data to the device directly (read at start).").build();
        public static final ConfigOption<String> DATA = ConfigOption.builder("osd_data", ConfigType.STRING, "")
                .description("The OSD's data directory (its ObjectStore); default run_dir/osd.<id>.").build();
        public static final ConfigOption<String> CRUSH_LOCATION = ConfigOption
                .builder("crush_location", ConfigType.STRING, "")
                .description("Where a booting OSD goes in CRUSH (host=h rack=r); default host=<hostname>.").build();
        public static final ConfigOption<Double> BACKFILLFULL_RATIO = ConfigOption
                .builder("mon_osd_backfillfull_ratio", ConfigType.DOUBLE, 0.90)
                .check(v -> v > 0 && v <= 1, "0..1")
                .description("An OSD this full refuses to be a backfill target (read by each OSD for now).").build();
        public static final ConfigOption<Double> NEARFULL_RATIO = ConfigOption
                .builder("mon_osd_nearfull_ratio", ConfigType.DOUBLE, 0.85).check(v -> v > 0 && v <= 1, "0..1")
                .description("An OSD this full raises OSD_NEARFULL (and its pools POOL_NEAR_FULL).").build();
        public static final ConfigOption<Double> FULL_RATIO = ConfigOption
                .builder("mon_osd_full_ratio", ConfigType.DOUBLE, 0.95).check(v -> v > 0 && v <= 1, "0..1")
                .description("An OSD this full raises OSD_FULL (and its pools POOL_FULL).").build();

        /** Client and replica operations: sizes, admission, threads, timeouts. */
        public static final class Op {
            private Op() {}

            public static final ConfigOption<Long> MAX_OBJECT_SIZE = ConfigOption
                    .builder("osd_max_object_size", ConfigType.BYTES, 128L << 20).unit("bytes")
                    .check(v -> v > 0, "> 0").description("Largest object an OSD accepts.").build();
            public static final ConfigOption<Long> MAX_WRITE_SIZE = ConfigOption
                    .builder("osd_max_write_size", ConfigType.BYTES, 90L << 20).unit("bytes")
                    .check(v -> v > 0, "> 0").description("Largest single write in one client operation.").build();
            public static final ConfigOption<Integer> CLIENT_MESSAGE_CAP = intOpt("osd_client_message_cap", 256)
                    .check(v -> v >= 1, ">= 1").unit("ops")
                    .description("Client operations an OSD works on at once; more are answered EAGAIN (busy).").build();
            public static final ConfigOption<Duration> OP_COMPLAINT_TIME = seconds("osd_op_complaint_time", 30)
                    .description("A client op in flight this long counts as slow (SLOW_OPS).").runtime().build();
            public static final ConfigOption<Integer> OP_THREADS = intOpt("osd_op_num_threads", 8)
                    .check(v -> v >= 1 && v <= 256, "1..256").unit("threads")
                    .description("Threads that run client and replica operations on this OSD's store.").build();
            public static final ConfigOption<Integer> OP_QUEUE_MAX = intOpt("osd_op_queue_max", 2048)
                    .check(v -> v >= 16 && v <= 1_000_000, "16..1000000").unit("ops")
                    .description("Operations queued for the op threads; past it new ones are answered EAGAIN.").build();
            public static final ConfigOption<Duration> PEER_OP_TIMEOUT = seconds("osd_peer_op_timeout", 30)
                    .check(v -> v.toMillis() >= 100 && v.toSeconds() <= 3600, "0.1..3600 s")
                    .description("How long an OSD waits for another OSD to answer a replica write, a peering "
                            + "query or a recovery copy before it peers again.").build();
            public static final ConfigOption<Duration> MAP_WAIT = seconds("osd_map_wait_timeout", 5)
                    .check(v -> v.toMillis() >= 100 && v.toSeconds() <= 600, "0.1..600 s")
                    .description("How long a request from a newer map waits for this OSD to get that map (or "
                            + "finish splitting PGs for it) before it is answered EAGAIN.").build();
        }

        /** Peering, recovery and backfill throttles. */
        public static final class Recovery {
            private Recovery() {}

            public static final ConfigOption<Integer> RECOVERY_MAX_ACTIVE = intOpt("osd_recovery_max_active", 3)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("objects")
                    .description("Objects an OSD copies at once in background recovery and backfill.").runtime().build();
            public static final ConfigOption<Duration> RECOVERY_SLEEP = ConfigOption
                    .<Duration>builder("osd_recovery_sleep", ConfigType.SECONDS, Duration.ZERO).unit("seconds")
                    .check(v -> !v.isNegative() && v.compareTo(Duration.ofSeconds(10)) <= 0, "0..10 s")
                    .description("Pause between the starts of an OSD's background recovery copies.").runtime().build();
            public static final ConfigOption<Long> RECOVERY_MAX_CHUNK = ConfigOption
                    .builder("osd_recovery_max_chunk", ConfigType.BYTES, 8L << 20).unit("bytes")
                    .check(v -> v >= 4096 && v <= 64L << 20, "4 KiB..64 MiB")
                    .description("Most object data one recovery, backfill or repair message carries; a larger "
                            + "object (or a head with its clones) travels in pieces of this size.").runtime().build();
            public static final ConfigOption<Integer> MAX_BACKFILLS = intOpt("osd_max_backfills", 1)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("PGs")
                    .description("PGs an OSD backfills at once, as primary and, separately, as target.").runtime().build();
            public static final ConfigOption<Duration> BACKFILL_RETRY_INTERVAL = seconds("osd_backfill_retry_interval", 30)
                    .description("Wait before asking again a backfill target that refused as too full.").runtime().build();
            public static final ConfigOption<Integer> PEERING_THREADS = intOpt("osd_peering_num_threads", 4)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("threads")
                    .description("Threads that peer PGs (most of their time waits on peers and on up_thru maps).")
                    .build();
            public static final ConfigOption<Integer> MAP_CACHE_SIZE = intOpt("osd_map_cache_size", 512)
                    .check(v -> v >= 16 && v <= 100_000, "16..100000").unit("maps")
                    .description("OSDMaps an OSD keeps to build PGs' past intervals (older ones are fetched).")
                    .build();
        }

        /** Scrub scheduling, chunking and the repair policy. */
        public static final class Scrub {
            private Scrub() {}

            public static final ConfigOption<Duration> SCRUB_MIN_INTERVAL = seconds("osd_scrub_min_interval", 86_400)
                    .description("A PG is scrubbed this long after its last scrub, if the host's load allows.").runtime().build();
            public static final ConfigOption<Duration> SCRUB_MAX_INTERVAL = seconds("osd_scrub_max_interval", 7 * 86_400)
                    .description("A PG is scrubbed this long after its last scrub, whatever the load.").runtime().build();
            public static final ConfigOption<Duration> DEEP_SCRUB_INTERVAL = seconds("osd_deep_scrub_interval", 7 * 86_400)
                    .description("A PG is deep-scrubbed (data and omap read and checksummed) this long after the last.")
                    .runtime().build();
            public static final ConfigOption<Double> SCRUB_LOAD_THRESHOLD = ConfigOption
                    .builder("osd_scrub_load_threshold", ConfigType.DOUBLE, 0.5).check(v -> v >= 0, ">= 0")
                    .description("No scheduled scrub before max_interval while the 1-minute load per CPU is above this.")
                    .runtime().build();
            public static final ConfigOption<Integer> MAX_SCRUBS = intOpt("osd_max_scrubs", 1)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("PGs")
                    .description("PGs an OSD scrubs at once as primary.").runtime().build();
            public static final ConfigOption<Duration> SCRUB_SLEEP = ConfigOption
                    .<Duration>builder("osd_scrub_sleep", ConfigType.SECONDS, Duration.ZERO).unit("seconds")
                    .check(v -> !v.isNegative() && v.compareTo(Duration.ofSeconds(10)) <= 0, "0..10 s")
                    .description("Pause between the chunks of a scrub.").runtime().build();
            public static final ConfigOption<Integer> SCRUB_CHUNK_MIN = intOpt("osd_scrub_chunk_min", 5)
                    .check(v -> v >= 1, ">= 1").unit("objects")
                    .description("Fewest objects a scrub compares at once (writes to them wait meanwhile).").runtime().build();
            public static final ConfigOption<Integer> SCRUB_CHUNK_MAX = intOpt("osd_scrub_chunk_max", 25)
                    .check(v -> v >= 1 && v <= 10_000, "1..10000").unit("objects")
                    .description("Most objects a scrub compares at once.").runtime().build();
            public static final ConfigOption<Boolean> SCRUB_AUTO_OUT_ON_ERRORS = ConfigOption
                    .builder("osd_scrub_auto_out_on_errors", ConfigType.BOOL, true)
                    .description("Mark an OSD out once mon_osd_warn_num_repaired of its copies were found bad and "
                            + "repaired, so its data moves to other drives.").runtime().build();
            public static final ConfigOption<Integer> WARN_NUM_REPAIRED = intOpt("mon_osd_warn_num_repaired", 10)
                    .check(v -> v >= 1, ">= 1").unit("objects")
                    .description("Repaired copies on one OSD that raise OSD_TOO_MANY_REPAIRS.").runtime().build();
            public static final ConfigOption<Double> WARN_NOT_SCRUBBED_RATIO = ConfigOption
                    .builder("mon_warn_pg_not_scrubbed_ratio", ConfigType.DOUBLE, 0.5).check(v -> v >= 0, ">= 0")
                    .description("PG_NOT_SCRUBBED once a PG is this fraction of osd_scrub_max_interval overdue.")
                    .runtime().build();
            public static final ConfigOption<Double> WARN_NOT_DEEP_SCRUBBED_RATIO = ConfigOption
                    .builder("mon_warn_pg_not_deep_scrubbed_ratio", ConfigType.DOUBLE, 0.75).check(v -> v >= 0, ">= 0")
                    .description("PG_NOT_DEEP_SCRUBBED once a PG is this fraction of osd_deep_scrub_interval overdue.")
                    .runtime().build();
        }

        /** The snap trimmer: how fast removed snaps' clones are freed, against client I/O. */
        public static final class SnapTrim {
            private SnapTrim() {}

            public static final ConfigOption<Integer> MAX_CONCURRENT = intOpt("osd_pg_max_concurrent_snap_trims", 2)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("objects")
                    .description("Objects one PG trims at once (each a replicated write).").runtime().build();
            public static final ConfigOption<Duration> SLEEP = ConfigOption
                    .<Duration>builder("osd_snap_trim_sleep", ConfigType.SECONDS, Duration.ZERO).unit("seconds")
                    .check(v -> !v.isNegative() && v.compareTo(Duration.ofSeconds(10)) <= 0, "0..10 s")
                    .description("Pause between a PG's batches of trimmed objects.").runtime().build();
            public static final ConfigOption<Integer> MAX_TRIMMING_PGS = intOpt("osd_max_trimming_pgs", 1)
                    .check(v -> v >= 1 && v <= 64, "1..64").unit("PGs")
                    .description("PGs an OSD trims snaps in at once as primary.").runtime().build();
            public static final ConfigOption<Integer> QUEUE_WARN_ON = intOpt("mon_osd_snap_trim_queue_warn_on", 32_768)
                    .check(v -> v >= 1, ">= 1").unit("snaps")
                    .description("PG_SLOW_SNAP_TRIMMING once a PG has this many removed snaps still to trim.").runtime()
                    .build();
        }

        /** Pings between OSDs that share PGs, and failure reports. */
        public static final class Heartbeat {
            private Heartbeat() {}

            public static final ConfigOption<Duration> HEARTBEAT_INTERVAL = seconds("osd_heartbeat_interval", 6)
                    .check(v -> v.toMillis() >= 200 && v.toSeconds() <= 600, "0.2..600 s")
                    .description("How often an OSD pings its heartbeat peers.").build();
            public static final ConfigOption<Duration> HEARTBEAT_GRACE = seconds("osd_heartbeat_grace", 20)
                    .description("Silence from a peer after which an OSD reports it failed.").runtime().build();
        }
    }

    /** Client options. */
    public static final class Client {
        private Client() {}

        public static final ConfigOption<Duration> MON_OP_TIMEOUT = seconds("rados_mon_op_timeout", 30)
                .description("How long a client waits for the monitors to answer a command.").build();
        public static final ConfigOption<Duration> MON_CONNECT_TIMEOUT = seconds("client_mon_connect_timeout", 5)
                .description("How long a client tries one monitor before the next.").build();
        public static final ConfigOption<Duration> OSD_OP_TIMEOUT = seconds("rados_osd_op_timeout", 30)
                .description("How long a client op may take, resends included, before it fails with a timeout.").build();
    }

    /** Journal options (journaler/), read by whatever writes or replays a journal: the MDS, the journal tool. */
    public static final class Journaler {
        private Journaler() {}

        public static final ConfigOption<Duration> WRITE_HEAD_INTERVAL = seconds("journaler_write_head_interval", 15)
                .check(v -> v.toMillis() >= 10, ">= 0.01 s")
                .description("How often a journal writer records its flushed position in the journal's header.").build();
        public static final ConfigOption<Duration> BATCH_INTERVAL = ConfigOption
                .<Duration>builder("journaler_batch_interval", ConfigType.SECONDS, Duration.ofMillis(1)).unit("seconds")
                .check(v -> !v.isNegative() && v.toSeconds() <= 10, "0..10 s")
                .description("How long appended bytes may wait for more before they are written without a flush.")
                .build();
        public static final ConfigOption<Long> BATCH_MAX = ConfigOption
                .builder("journaler_batch_max", ConfigType.BYTES, 1L << 20).unit("bytes")
                .check(v -> v >= 4096 && v <= 64L << 20, "4 KiB..64 MiB")
                .description("Appended bytes that are written at once, flush or not; also the largest single write.")
                .build();
        public static final ConfigOption<Long> BUFFER_MAX = ConfigOption
                .builder("journaler_buffer_max", ConfigType.BYTES, 64L << 20).unit("bytes")
                .check(v -> v >= 64L << 10, ">= 64 KiB")
                .description("Appended bytes not yet durable that a writer holds; append waits beyond it.").build();
        public static final ConfigOption<Long> MAX_ENTRY = ConfigOption
                .builder("journaler_max_entry_bytes", ConfigType.BYTES, 256L << 20).unit("bytes")
                .check(v -> v >= 1024 && v <= 1L << 30, "1 KiB..1 GiB")
                .description("Largest journal entry a writer accepts and a reader believes a length field of.").build();
    }

    /** Metadata server options (mds/). */
    public static final class Mds {
        private Mds() {}

        public static final ConfigOption<Integer> LOG_EVENTS_PER_SEGMENT = intOpt("mds_log_events_per_segment", 1024)
                .check(v -> v >= 1 && v <= 1 << 20, "1..1048576")
                .description("Journal events in one log segment: the unit the journal is written back and trimmed by.")
                .build();
        public static final ConfigOption<Integer> LOG_MAX_SEGMENTS = intOpt("mds_log_max_segments", 128)
                .check(v -> v >= 1 && v <= 1 << 16, "1..65536")
                .description("Log segments kept before the oldest are written back to their directory objects and "
                        + "the journal is trimmed behind them; twice as many raise MDS_TRIM.").build();
        public static final ConfigOption<Duration> OP_COMPLAINT_TIME = seconds("mds_op_complaint_time", 30)
                .check(v -> v.toMillis() >= 1, "> 0 s")
                .description("A client request waiting longer than this raises MDS_SLOW_REQUEST.").build();
        public static final ConfigOption<Integer> MAX_PURGE_FILES = intOpt("mds_max_purge_files", 64)
                .check(v -> v >= 1 && v <= 4096, "1..4096")
                .description("Deleted files whose data objects are being removed at once.").build();
        public static final ConfigOption<Integer> MAX_COMPLETED_REQUESTS = intOpt("mds_max_completed_requests", 100_000)
                .check(v -> v >= 16, ">= 16")
                .description("Answers to completed requests kept per client for resends, beyond what the client's "
                        + "oldest tid already releases.").build();
        public static final ConfigOption<Duration> BEACON_INTERVAL = seconds("mds_beacon_interval", 4)
                .check(v -> v.toMillis() >= 100 && v.toSeconds() <= 60, "0.1..60 s")
                .description("How often an MDS sends the monitors a beacon (its state, the state it wants, its "
                        + "health).").build();
        public static final ConfigOption<Duration> BEACON_GRACE = seconds("mds_beacon_grace", 15)
                .check(v -> v.toMillis() >= 1000, ">= 1 s")
                .description("The monitors fail an MDS silent for this long: its rank goes to a standby, and a "
                        + "silent standby leaves the map (read by the monitors).").runtime().build();
        public static final ConfigOption<Boolean> SESSION_BLOCKLIST_ON_TIMEOUT = ConfigOption
                .builder("mds_session_blocklist_on_timeout", ConfigType.BOOL, Boolean.TRUE)
                .description("Blocklist a client evicted for not renewing its session within session_autoclose, so "
                        + "its writes can no longer reach the OSDs.").runtime().build();
        public static final ConfigOption<Boolean> SESSION_BLOCKLIST_ON_EVICT = ConfigOption
                .builder("mds_session_blocklist_on_evict", ConfigType.BOOL, Boolean.TRUE)
                .description("Blocklist a client evicted by `tell mds.X session evict`.").runtime().build();
        public static final ConfigOption<Duration> REVOKE_CAP_TIMEOUT = seconds("mds_revoke_cap_timeout", 60)
                .check(v -> v.toMillis() >= 1000, ">= 1 s")
                .description("A client that has not released revoked caps after this long is reported "
                        + "(MDS_CLIENT_LATE_RELEASE).").runtime().build();
        public static final ConfigOption<Duration> CAP_REVOKE_EVICTION_TIMEOUT =
                seconds("mds_cap_revoke_eviction_timeout", 0).check(v -> v.toMillis() >= 0, ">= 0 s")
                .description("Evict a client that has not released revoked caps after this long; 0 never does "
                        + "(Ceph's default).").runtime().build();
        public static final ConfigOption<Duration> RECONNECT_TIMEOUT = seconds("mds_reconnect_timeout", 45)
                .check(v -> v.toMillis() >= 1000, ">= 1 s")
                .description("How long a new active MDS waits in up:reconnect for the previous holder's clients; "
                        + "those that have not come back by then are evicted.").runtime().build();
        public static final ConfigOption<Duration> DENTRY_LEASE_TIME = seconds("mds_dentry_lease_time", 10)
                .check(v -> v.toMillis() >= 100 && v.toSeconds() <= 300, "0.1..300 s")
                .description("How long a client may answer lookups of a directory's name from its cache; the MDS "
                        + "revokes the lease before the name is unlinked or renamed, and waits at most this long "
                        + "for a silent holder.").build();
        public static final ConfigOption<Integer> MAX_CAPS_PER_CLIENT = intOpt("mds_max_caps_per_client", 1_048_576)
                .check(v -> v >= 1, ">= 1")
                .description("Inodes one client may hold caps on before it is asked to release some "
                        + "(MDS_CLIENT_RECALL).").runtime().build();
    }

    /** Every option declared above. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>();
        collect(CairnConfigKeys.class, all, 0);
        all.sort((x, y) -> x.name().compareTo(y.name()));
        return all;
    }

    /** Options declared in {@code area}'s nested classes (areas nest at most three deep). */
    private static void collect(Class<?> area, List<ConfigOption<?>> into, int depth) {
        if (depth > 3) {
            throw new IllegalStateException("config areas nest too deep at " + area.getName());
        }
        for (Class<?> c : area.getDeclaredClasses()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                    try {
                        into.add((ConfigOption<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            collect(c, into, depth + 1);
        }
    }

    /** The option with this name (spaces or underscores), or null. */
    public static ConfigOption<?> find(String name) {
        String n = ConfigFile.normalizeKey(name);
        for (ConfigOption<?> o : all()) {
            if (o.name().equals(n)) {
                return o;
            }
        }
        return null;
    }
}
