package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.LinkRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The namespace's invariants, walked from the root: a tree of directories, every one in the
 * cache and reachable; each inode in exactly one primary dentry, indexed there; directory entry
 * counts true; every remote dentry listed among its inode's links and the other way round; a
 * file's link count one more than its remote links. Run after loading (a rank refuses to serve
 * a namespace that fails it) and by tests after every operation.
 */
final class NamespaceCheck {
    private NamespaceCheck() {}

    static void verify(Namespace ns) {
        Set<Long> seenInodes = new HashSet<>();
        Set<Long> seenDirs = new HashSet<>();
        List<Location> remotes = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(MdsObjects.ROOT_INO);
        seenInodes.add(MdsObjects.ROOT_INO);
        while (!todo.isEmpty()) {
            long dirIno = todo.poll();
            Invariants.check(seenDirs.add(dirIno), "directory %x reached twice", dirIno);
            DirFrag frag = ns.dir(dirIno);
            Invariants.check(frag != null, "directory %x is not in the cache", dirIno);
            InodeData dir = ns.inode(dirIno);
            Invariants.check(dir.getEntries() == frag.entries.size(), "directory %x counts %d entries and holds %d",
                    dirIno, dir.getEntries(), frag.entries.size());
            for (Map.Entry<String, DentryData> e : frag.entries.entrySet()) {
                Location at = new Location(dirIno, e.getKey());
                if (!e.getValue().hasPrimary()) {
                    remotes.add(at);
                    continue;
                }
                InodeData i = e.getValue().getPrimary();
                Invariants.check(seenInodes.add(i.getIno()), "inode %x has a second primary dentry at %s", i.getIno(), at);
                Invariants.check(at.equals(ns.primaryOf(i.getIno())), "inode %x lives at %s but is indexed at %s",
                        i.getIno(), at, ns.primaryOf(i.getIno()));
                if (Inodes.isDir(i)) {
                    Invariants.check(i.getRemoteLinksCount() == 0, "directory %x has hard links", i.getIno());
                    todo.add(i.getIno());
                } else {
                    Invariants.check(i.getNlink() == 1 + i.getRemoteLinksCount(), "inode %x: nlink %d with %d remote links",
                            i.getIno(), i.getNlink(), i.getRemoteLinksCount());
                    for (LinkRef l : i.getRemoteLinksList()) {
                        DentryData d = ns.dentry(l.getParentIno(), l.getName());
                        Invariants.check(d != null && !d.hasPrimary() && d.getRemoteIno() == i.getIno(),
                                "inode %x lists link %x/%s, which holds %s", i.getIno(), l.getParentIno(), l.getName(), d);
                    }
                }
            }
        }
        for (Location at : remotes) {
            long ino = ns.dentry(at.dirIno(), at.name()).getRemoteIno();
            InodeData i = ns.inode(ino);
            Invariants.check(i != null && !Inodes.isDir(i), "remote dentry %s names inode %x, which is %s", at, ino, i);
            LinkRef ref = LinkRef.newBuilder().setParentIno(at.dirIno()).setName(at.name()).build();
            Invariants.check(i.getRemoteLinksList().contains(ref), "remote dentry %s is not among inode %x's links",
                    at, ino);
        }
        Invariants.check(seenDirs.size() == ns.dirCount(), "%d directories in the cache, %d reachable", ns.dirCount(),
                seenDirs.size());
        Invariants.check(seenInodes.size() == ns.inodeCount(), "%d inodes indexed, %d reachable", ns.inodeCount(),
                seenInodes.size());
        Invariants.check(ns.nextIno() > maxIno(seenInodes), "next inode number %x is not above every inode",
                ns.nextIno());
    }

    private static long maxIno(Set<Long> inos) {
        long max = 0;
        for (long i : inos) {
            max = Math.max(max, i);
        }
        return max;
    }
}
