package io.cairn.client.fs;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.layout.StripeLayout;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CreateOp;
import io.cairn.proto.v1.FileLayoutData;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.GetattrOp;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.LeaseMessage;
import io.cairn.proto.v1.LinkOp;
import io.cairn.proto.v1.LookupOp;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MkdirOp;
import io.cairn.proto.v1.OpenOp;
import io.cairn.proto.v1.PathOp;
import io.cairn.proto.v1.ReaddirOp;
import io.cairn.proto.v1.ReadlinkOp;
import io.cairn.proto.v1.RenameOp;
import io.cairn.proto.v1.RmdirOp;
import io.cairn.proto.v1.SetattrOp;
import io.cairn.proto.v1.StatfsOp;
import io.cairn.proto.v1.SymlinkOp;
import io.cairn.proto.v1.UnlinkOp;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mounted Cairn file system: namespace operations go to the active MDS of rank 0, file data
 * straight to the data pool's OSDs. Paths are absolute; each is resolved name by name from the
 * root (symlinks followed, at most {@value #SYMLINK_HOPS_MAX} of them), since without dentry leases
 * a client may not trust a cached lookup. Every operation also has an inode form for callers that
 * keep inode numbers. Errors are {@link RadosException}s carrying the POSIX code.
 */
public final class CairnFs implements AutoCloseable {
    public static final long ROOT_INO = 1;
    public static final Duration DEFAULT_OP_TIMEOUT = Duration.ofSeconds(120);
    private static final int SYMLINK_HOPS_MAX = 40;
    private static final int READDIR_PAGE = 1024;
    private static final int MASK_MODE = 1;
    private static final int MASK_UID = 2;
    private static final int MASK_GID = 4;
    private static final int MASK_SIZE = 8;
    private static final int MASK_ATIME = 16;
    private static final int MASK_MTIME = 32;

    private final Rados rados;
    private final String fsName;
    private final MdsSession mds;
    private final ClientCaps caps;
    private final DentryCache dentries = new DentryCache();
    private final long opTimeoutMs;
    private final Map<Long, IoCtx> dataPools = new ConcurrentHashMap<>();
    private volatile int uid;
    private volatile int gid;

    private CairnFs(Rados rados, String fsName, MdsSession mds, long opTimeoutMs) {
        this.rados = rados;
        this.fsName = fsName;
        this.mds = mds;
        this.opTimeoutMs = opTimeoutMs;
        this.caps = new ClientCaps(mds::sendCap, mds.clientId());
        mds.listener(new MdsSession.Listener() {
            @Override
            public void onCap(CapMessage m) {
                caps.onCap(m);
            }

            @Override
            public void onSessionOpen() {
                dentries.clear();
                caps.onSessionOpen();
            }

            @Override
            public void onStale() {
                dentries.clear();
                caps.onStale();
            }

            @Override
            public void onEvicted(String why) {
                dentries.clear();
                caps.onEvicted(why);
            }

            @Override
            public void onLeaseRevoke(LeaseMessage m) {
                dentries.drop(m.getDirIno(), m.getName());
                mds.sendLeaseAck(m);
            }
        });
    }

    /** Mounts {@code fsName}; fails with ENOENT if the monitors know no such file system. */
    public static CairnFs mount(Rados rados, String fsName) {
        return mount(rados, fsName, DEFAULT_OP_TIMEOUT);
    }

    public static CairnFs mount(Rados rados, String fsName, Duration opTimeout) {
        if (FsMaps.filesystem(rados.fsMap(), fsName) == null) {
            throw new RadosException.NotFound("no file system named '" + fsName + "'");
        }
        long drawn = new SecureRandom().nextLong() & Long.MAX_VALUE;
        long clientId = drawn == 0 ? 1 : drawn;
        // named as Ceph names a client session (client.<id>); eviction blocklists the handle's address
        MdsSession.Identity who = new MdsSession.Identity(rados.address(), "client." + clientId, hostname());
        CairnFs fs = new CairnFs(rados, fsName, new MdsSession(rados::fsMap, fsName, clientId, who,
                opTimeout.toMillis()), opTimeout.toMillis());
        fs.getattr(ROOT_INO);
        return fs;
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    public String name() {
        return fsName;
    }

    /** Directory names this mount resolves from its cache while their dentry leases hold. */
    public int cachedDentries() {
        return dentries.size();
    }

    /** This mount's session id at the MDS. */
    public long clientId() {
        return mds.clientId();
    }

    /** The owner new files and directories get (default 0, root). */
    public void setOwner(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    // --- paths ---

    /** stat(2): follows a symlink at the end. */
    public FileStat stat(String path) {
        return FileStat.of(resolve(path, true));
    }

    /** lstat(2): a symlink at the end is described, not followed. */
    public FileStat lstat(String path) {
        return FileStat.of(resolve(path, false));
    }

    public boolean exists(String path) {
        try {
            resolve(path, false);
            return true;
        } catch (RadosException.NotFound e) {
            return false;
        }
    }

    public FileStat mkdir(String path, int mode) {
        FsPaths.Split s = FsPaths.split(path);
        return mkdir(parentIno(s), s.name(), mode);
    }

    /** Makes the directory and every missing parent; an existing directory is fine. */
    public FileStat mkdirs(String path, int mode) {
        long ino = ROOT_INO;
        InodeData at = getattrData(ROOT_INO);
        for (String name : FsPaths.components(path)) {
            try {
                at = lookupData(ino, name);
            } catch (RadosException.NotFound e) {
                try {
                    at = mkdirData(ino, name, mode);
                } catch (RadosException e2) {
                    if (e2.code() != ErrorCode.EEXIST) {
                        throw e2;
                    }
                    at = lookupData(ino, name);
                }
            }
            if (!FileStat.of(at).isDirectory()) {
                throw RadosException.of(ErrorCode.ENOTDIR, "'" + name + "' in '" + path + "' is not a directory");
            }
            ino = at.getIno();
        }
        return FileStat.of(at);
    }

    public void rmdir(String path) {
        FsPaths.Split s = FsPaths.split(path);
        rmdir(parentIno(s), s.name());
    }

    /** open(2) with O_CREAT (and O_EXCL when {@code exclusive}). */
    public FileHandle create(String path, int mode, boolean exclusive) {
        FsPaths.Split s = FsPaths.split(path);
        return create(parentIno(s), s.name(), mode, exclusive);
    }

    /** Opens an existing file for reading and writing; {@code truncate} empties it first (O_TRUNC). */
    public FileHandle open(String path, boolean truncate) {
        InodeData i = resolve(path, true);
        return open(i.getIno(), truncate);
    }

    /** Opens an existing file for reading only (O_RDONLY): the mount asks only for readers' caps. */
    public FileHandle openRead(String path) {
        return openRead(resolve(path, true).getIno());
    }

    public void unlink(String path) {
        FsPaths.Split s = FsPaths.split(path);
        unlink(parentIno(s), s.name());
    }

    /** rename(2): atomic, replacing an existing target as POSIX does. */
    public void rename(String from, String to) {
        FsPaths.Split f = FsPaths.split(from);
        FsPaths.Split t = FsPaths.split(to);
        rename(parentIno(f), f.name(), parentIno(t), t.name());
    }

    /** link(2): {@code linkPath} becomes another name of the file {@code target}. */
    public FileStat link(String target, String linkPath) {
        InodeData i = resolve(target, false);
        FsPaths.Split s = FsPaths.split(linkPath);
        return link(i.getIno(), parentIno(s), s.name());
    }

    public FileStat symlink(String target, String linkPath) {
        FsPaths.Split s = FsPaths.split(linkPath);
        return symlink(parentIno(s), s.name(), target);
    }

    public String readlink(String path) {
        return readlink(resolve(path, false).getIno());
    }

    /** Every entry of a directory, fetched page by page. */
    public List<DirEntry> readdir(String path) {
        long ino = resolve(path, true).getIno();
        List<DirEntry> all = new ArrayList<>();
        String after = "";
        while (true) {
            DirPage page = readdir(ino, after, READDIR_PAGE);
            all.addAll(page.entries());
            if (page.end() || page.entries().isEmpty()) {
                return all;
            }
            after = page.cursor();
        }
    }

    public void chmod(String path, int mode) {
        setattr(resolve(path, true).getIno(), SetattrOp.newBuilder().setMask(MASK_MODE).setMode(mode));
    }

    public void chown(String path, int newUid, int newGid) {
        setattr(resolve(path, true).getIno(), SetattrOp.newBuilder().setMask(MASK_UID | MASK_GID).setUid(newUid)
                .setGid(newGid));
    }

    public void utimes(String path, long atimeMs, long mtimeMs) {
        setattr(resolve(path, true).getIno(), SetattrOp.newBuilder().setMask(MASK_ATIME | MASK_MTIME)
                .setAtimeMs(atimeMs).setMtimeMs(mtimeMs));
    }

    /** truncate(2) on a path. */
    public void truncate(String path, long size) {
        try (FileHandle h = open(path, false)) {
            h.truncate(size);
        }
    }

    /**
     * Waits until every change this mount made is safe in the MDS's journal (a change's call
     * returns at the MDS's early reply; an MDS crash before the journal flush would make the
     * session resend it to the next MDS, but only a safe change survives this client's loss too).
     */
    public void sync() {
        mds.sync();
    }

    public FsStat statfs() {
        var s = mds.call(MdsRequest.newBuilder().setStatfs(StatfsOp.getDefaultInstance())).getStatfs();
        return new FsStat(s.getTotalBytes(), s.getUsedBytes(), s.getAvailBytes(), s.getFiles());
    }

    // --- inodes ---

    public FileStat getattr(long ino) {
        return FileStat.of(getattrData(ino));
    }

    public FileStat lookup(long parent, String name) {
        return FileStat.of(lookupData(parent, name));
    }

    public FileStat mkdir(long parent, String name, int mode) {
        return FileStat.of(mkdirData(parent, name, mode));
    }

    private InodeData mkdirData(long parent, String name, int mode) {
        return mds.call(MdsRequest.newBuilder().setMkdir(MkdirOp.newBuilder().setParent(parent).setName(name)
                .setMode(mode).setUid(uid).setGid(gid))).getInode();
    }

    public void rmdir(long parent, String name) {
        mds.call(MdsRequest.newBuilder().setRmdir(RmdirOp.newBuilder().setParent(parent).setName(name)));
    }

    public FileHandle create(long parent, String name, int mode, boolean exclusive) {
        InodeData i = mds.call(MdsRequest.newBuilder().setCreate(CreateOp.newBuilder().setParent(parent).setName(name)
                .setMode(mode).setUid(uid).setGid(gid).setExclusive(exclusive))).getInode();
        return handle(i, true);
    }

    public FileHandle openRead(long ino) {
        return handle(getattrData(ino), false);
    }

    public FileHandle open(long ino, boolean truncate) {
        InodeData i = mds.call(MdsRequest.newBuilder().setOpen(OpenOp.newBuilder().setIno(ino))).getInode();
        FileHandle h = handle(i, true);
        if (truncate && i.getSize() > 0) {
            h.truncate(0);
        }
        return h;
    }

    public void unlink(long parent, String name) {
        mds.call(MdsRequest.newBuilder().setUnlink(UnlinkOp.newBuilder().setParent(parent).setName(name)));
    }

    public void rename(long srcParent, String srcName, long dstParent, String dstName) {
        mds.call(MdsRequest.newBuilder().setRename(RenameOp.newBuilder().setSrcParent(srcParent).setSrcName(srcName)
                .setDstParent(dstParent).setDstName(dstName)));
    }

    public FileStat link(long ino, long parent, String name) {
        return FileStat.of(mds.call(MdsRequest.newBuilder().setLink(LinkOp.newBuilder().setIno(ino).setParent(parent)
                .setName(name))).getInode());
    }

    public FileStat symlink(long parent, String name, String target) {
        return FileStat.of(mds.call(MdsRequest.newBuilder().setSymlink(SymlinkOp.newBuilder().setParent(parent)
                .setName(name).setTarget(target).setUid(uid).setGid(gid))).getInode());
    }

    public String readlink(long ino) {
        return mds.call(MdsRequest.newBuilder().setReadlink(ReadlinkOp.newBuilder().setIno(ino))).getInode()
                .getSymlinkTarget();
    }

    /** Up to {@code max} entries after the name {@code after} ("" for the first page), in name order. */
    public DirPage readdir(long ino, String after, int max) {
        MdsReply r = mds.call(MdsRequest.newBuilder().setReaddir(ReaddirOp.newBuilder().setIno(ino).setAfter(after)
                .setMax(max)));
        List<DirEntry> out = new ArrayList<>(r.getEntriesCount());
        r.getEntriesList().forEach(e -> out.add(new DirEntry(e.getName(), FileStat.of(e.getInode()))));
        return new DirPage(out, r.getEnd());
    }

    /** The path the MDS knows for an inode ("/a/b"), from its primary dentry up to the root. */
    public String pathOf(long ino) {
        return mds.call(MdsRequest.newBuilder().setPath(PathOp.newBuilder().setIno(ino))).getPath();
    }

    // --- for FileHandle ---

    /** A handle closed: what it wrote is written back and the caps the mount no longer needs go back. */
    void closed(OpenFile f, boolean write) {
        f.closed(write);
        caps.wantsChanged(f);
    }

    /** What an open file needs of the mount. */
    private final OpenFile.Mount fileMount = new OpenFile.Mount() {
        @Override
        public void writerUpdate(long ino, long sizeBytes, long mtimeMs) {
            CairnFs.this.writerUpdate(ino, sizeBytes, mtimeMs);
        }

        @Override
        public long mdsSize(long ino) {
            return getattrData(ino).getSize();
        }

        @Override
        public void want(long ino, int wanted) {
            caps.want(ino, wanted);
        }

        @Override
        public void awaitOsdEpoch(int epoch, long deadlineMs) {
            while (rados.map().epoch() < epoch) {
                if (System.currentTimeMillis() > deadlineMs) {
                    throw new RadosException.Timeout("no OSDMap epoch " + epoch + " (the one that fences an evicted "
                            + "client) within the op timeout; have " + rados.map().epoch());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RadosException.IoError("interrupted");
                }
            }
        }
    };

    void writerUpdate(long ino, long sizeBytes, long mtimeMs) {
        setattr(ino, SetattrOp.newBuilder().setMask(MASK_SIZE | MASK_MTIME).setSize(sizeBytes).setMtimeMs(mtimeMs)
                .setFromWriter(true));
    }

    void setSize(long ino, long sizeBytes) {
        setattr(ino, SetattrOp.newBuilder().setMask(MASK_SIZE | MASK_MTIME).setSize(sizeBytes)
                .setMtimeMs(System.currentTimeMillis()));
    }

    private void setattr(long ino, SetattrOp.Builder op) {
        mds.call(MdsRequest.newBuilder().setSetattr(op.setIno(ino)));
    }

    private InodeData getattrData(long ino) {
        return mds.call(MdsRequest.newBuilder().setGetattr(GetattrOp.newBuilder().setIno(ino))).getInode();
    }

    private InodeData lookupData(long parent, String name) {
        return lookupReply(parent, name).getInode();
    }

    private MdsReply lookupReply(long parent, String name) {
        long sentNanos = System.nanoTime();
        MdsReply r = mds.call(MdsRequest.newBuilder().setLookup(LookupOp.newBuilder().setParent(parent).setName(name)));
        // a directory's name comes with a lease: later walks through it need not ask while it holds
        dentries.put(parent, name, r.getInode(), sentNanos, r.getLeaseMs());
        return r;
    }

    /** A name on the way through a path: from the dentry cache while its lease holds. */
    private InodeData lookupCached(long parent, String name) {
        InodeData cached = dentries.get(parent, name);
        return cached != null ? cached : lookupData(parent, name);
    }

    private FileHandle handle(InodeData i, boolean write) {
        FileStat st = FileStat.of(i);
        if (st.isDirectory()) {
            throw RadosException.of(ErrorCode.EISDIR, "inode " + Long.toHexString(i.getIno()) + " is a directory");
        }
        if (!st.isFile()) {
            throw RadosException.of(ErrorCode.EINVAL, "inode " + Long.toHexString(i.getIno()) + " is not a regular file");
        }
        OpenFile f = caps.open(i.getIno(), write, i.getSize(), () -> new OpenFile(i.getIno(),
                new FileData(dataPool(i.getLayout()), i.getIno(), layoutOf(i.getLayout())), fileMount, i.getSize(),
                opTimeoutMs));
        caps.wantsChanged(f);
        return new FileHandle(this, f, write);
    }

    private static StripeLayout layoutOf(FileLayoutData l) {
        if (l.getObjectSize() == 0) {
            return StripeLayout.DEFAULT;
        }
        return new StripeLayout((int) l.getStripeUnit(), (int) l.getStripeCount(), (int) l.getObjectSize());
    }

    private IoCtx dataPool(FileLayoutData l) {
        long poolId = l.getPoolId();
        if (l.getObjectSize() == 0) {
            Filesystem fs = FsMaps.filesystem(rados.fsMap(), fsName);
            if (fs == null || fs.getDataPoolsCount() == 0) {
                throw new RadosException.NotFound("file system '" + fsName + "' is gone");
            }
            poolId = fs.getDataPools(0);
        }
        long id = poolId;
        return dataPools.computeIfAbsent(id, k -> {
            Pool p = rados.map().pool(k);
            if (p == null) {
                throw new RadosException.NotFound("data pool " + k + " does not exist");
            }
            return rados.ioCtx(p.name());
        });
    }

    private long parentIno(FsPaths.Split s) {
        InodeData parent = walk(ROOT_INO, new ArrayDeque<>(s.parent()), true, false, 0);
        if (!FileStat.of(parent).isDirectory()) {
            throw RadosException.of(ErrorCode.ENOTDIR, "not a directory: /" + String.join("/", s.parent()));
        }
        return parent.getIno();
    }

    private InodeData resolve(String path, boolean followLast) {
        return walk(ROOT_INO, new ArrayDeque<>(FsPaths.components(path)), followLast, true, 0);
    }

    /**
     * Resolves names from {@code start}. Directories on the way come from the dentry cache while
     * their leases hold; the last name is asked of the MDS when {@code freshLast} (its attributes are
     * wanted, not only its inode number).
     */
    private InodeData walk(long start, Deque<String> names, boolean followLast, boolean freshLast, int hops) {
        // the root is a directory: no need to ask before looking a name up in it
        InodeData at = start == ROOT_INO && !names.isEmpty() ? null : getattrData(start);
        long dir = start;
        while (!names.isEmpty()) {
            String name = names.pollFirst();
            if (at != null && !FileStat.of(at).isDirectory()) {
                throw RadosException.of(ErrorCode.ENOTDIR, "'" + name + "' is looked up in a non-directory");
            }
            InodeData next = names.isEmpty() && freshLast ? lookupData(dir, name) : lookupCached(dir, name);
            if (FileStat.of(next).isSymlink() && (followLast || !names.isEmpty())) {
                if (++hops > SYMLINK_HOPS_MAX) {
                    throw RadosException.of(ErrorCode.EINVAL, "too many levels of symbolic links");
                }
                String target = next.getSymlinkTarget();
                List<String> parts = FsPaths.components(target.startsWith("/") ? target : "/" + target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    names.addFirst(parts.get(i));
                }
                if (target.startsWith("/")) {
                    dir = ROOT_INO;
                    at = names.isEmpty() ? getattrData(ROOT_INO) : null;
                }
                continue;
            }
            at = next;
            dir = next.getIno();
        }
        return at;
    }

    @Override
    public void close() {
        mds.close();
        caps.close();
    }
}
