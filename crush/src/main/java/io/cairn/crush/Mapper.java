package io.cairn.crush;

/**
 * Runs a rule for one input: Ceph's {@code crush_do_rule}, with {@code crush_choose_firstn} and
 * {@code crush_choose_indep}. One Mapper is the workspace of one thread for one map: the
 * permutation scratch of every bucket and three vectors of results. After it has grown to the
 * largest result size asked for, a mapping allocates nothing.
 *
 * <p>Every loop is bounded by the rule's tries: a replica gets at most {@code choose_total_tries+1}
 * descents (or the rule's override), each local retry loop is bounded by the bucket size plus the
 * fallback tries, and {@link #bucketChooses()} counts the work so tests can bound it.
 */
final class Mapper {
    /** Marks a slot an indep step has not filled yet (never returned). */
    private static final int ITEM_UNDEF = 0x7ffffffe;

    private final CrushMap map;
    private final PermutationState[] perms;
    /** Each rule's steps as an array: iterating a List would allocate an iterator per mapping. */
    private final RuleStep[][] ruleSteps;
    private int[] a = new int[0];
    private int[] b = new int[0];
    private int[] c = new int[0];
    private long bucketChooses;

    Mapper(CrushMap map) {
        this.map = map;
        perms = new PermutationState[map.maxBuckets()];
        for (int i = 0; i < perms.length; i++) {
            Bucket bucket = map.bucketAt(i);
            perms[i] = new PermutationState(bucket == null ? 0 : bucket.size());
        }
        int maxRule = -1;
        for (Rule r : map.rules()) {
            maxRule = Math.max(maxRule, r.id());
        }
        ruleSteps = new RuleStep[maxRule + 1][];
        for (Rule r : map.rules()) {
            ruleSteps[r.id()] = r.steps().toArray(new RuleStep[0]);
        }
    }

    /** Bucket choices made so far by this workspace: the unit of CRUSH's work. */
    long bucketChooses() {
        return bucketChooses;
    }

    int doRule(int ruleId, int x, int[] result, int resultMax, int[] weights, int weightMax) {
        RuleStep[] steps = ruleId >= 0 && ruleId < ruleSteps.length ? ruleSteps[ruleId] : null;
        if (steps == null || resultMax <= 0) {
            return 0;
        }
        if (result.length < resultMax) {
            throw new IllegalArgumentException("result array shorter than resultMax");
        }
        if (weightMax > weights.length) {
            throw new IllegalArgumentException("weightMax beyond the weight vector");
        }
        ensureCapacity(resultMax);
        for (PermutationState p : perms) {
            p.reset();
        }
        Tunables t = map.tunables();
        // choose_total_tries counted retries, not tries: Ceph adds one
        int chooseTries = t.chooseTotalTries() + 1;
        int chooseLeafTries = 0;
        int localRetries = t.chooseLocalTries();
        int localFallbackRetries = t.chooseLocalFallbackTries();
        int varyR = t.chooseleafVaryR();
        int stable = t.chooseleafStable();

        int[] w = a;
        int[] o = b;
        int wsize = 0;
        int resultLen = 0;
        for (RuleStep step : steps) {
            switch (step.op()) {
                case TAKE -> {
                    int item = step.arg1();
                    if ((item >= 0 && item < map.maxDevices()) || map.bucket(item) != null) {
                        w[0] = item;
                        wsize = 1;
                    }
                }
                case SET_CHOOSE_TRIES -> chooseTries = step.arg1() > 0 ? step.arg1() : chooseTries;
                case SET_CHOOSELEAF_TRIES -> chooseLeafTries = step.arg1() > 0 ? step.arg1() : chooseLeafTries;
                case SET_CHOOSE_LOCAL_TRIES -> localRetries = step.arg1() >= 0 ? step.arg1() : localRetries;
                case SET_CHOOSE_LOCAL_FALLBACK_TRIES ->
                        localFallbackRetries = step.arg1() >= 0 ? step.arg1() : localFallbackRetries;
                case SET_CHOOSELEAF_VARY_R -> varyR = step.arg1() >= 0 ? step.arg1() : varyR;
                case SET_CHOOSELEAF_STABLE -> stable = step.arg1() >= 0 ? step.arg1() : stable;
                case CHOOSE_FIRSTN, CHOOSELEAF_FIRSTN, CHOOSE_INDEP, CHOOSELEAF_INDEP -> {
                    if (wsize == 0) {
                        break;
                    }
                    boolean firstn = step.op() == RuleOp.CHOOSE_FIRSTN || step.op() == RuleOp.CHOOSELEAF_FIRSTN;
                    boolean recurseToLeaf = step.op() == RuleOp.CHOOSELEAF_FIRSTN
                            || step.op() == RuleOp.CHOOSELEAF_INDEP;
                    int osize = 0;
                    for (int i = 0; i < wsize; i++) {
                        int numRep = step.arg1();
                        if (numRep <= 0) {
                            numRep += resultMax;
                            if (numRep <= 0) {
                                continue;
                            }
                        }
                        Bucket in = map.bucket(w[i]);
                        if (in == null) {
                            // a device, or CRUSH_ITEM_NONE from an earlier indep step
                            continue;
                        }
                        if (firstn) {
                            int recurseTries;
                            if (chooseLeafTries != 0) {
                                recurseTries = chooseLeafTries;
                            } else if (t.chooseleafDescendOnce() != 0) {
                                recurseTries = 1;
                            } else {
                                recurseTries = chooseTries;
                            }
                            osize += chooseFirstn(in, weights, weightMax, x, numRep, step.arg2(), o, osize,
                                    0, resultMax - osize, chooseTries, recurseTries, localRetries,
                                    localFallbackRetries, recurseToLeaf, varyR, stable, c, osize, 0);
                        } else {
                            int outSize = Math.min(numRep, resultMax - osize);
                            chooseIndep(in, weights, weightMax, x, outSize, numRep, step.arg2(), o, osize, 0,
                                    chooseTries, chooseLeafTries != 0 ? chooseLeafTries : 1,
                                    recurseToLeaf, recurseToLeaf ? c : null, 0);
                            osize += outSize;
                        }
                    }
                    if (recurseToLeaf) {
                        System.arraycopy(c, 0, o, 0, osize);
                    }
                    int[] tmp = o;
                    o = w;
                    w = tmp;
                    wsize = osize;
                }
                case EMIT -> {
                    for (int i = 0; i < wsize && resultLen < resultMax; i++) {
                        result[resultLen++] = w[i];
                    }
                    wsize = 0;
                }
                case NOOP -> { }
            }
        }
        return resultLen;
    }

    private void ensureCapacity(int resultMax) {
        if (a.length < resultMax) {
            a = new int[resultMax];
            b = new int[resultMax];
            c = new int[resultMax];
        }
    }

    private int choose(Bucket bucket, int x, int r) {
        bucketChooses++;
        return bucket.choose(x, r, perms[-1 - bucket.id()]);
    }

    private boolean isOut(int[] weights, int weightMax, int item, int x) {
        if (item >= weightMax) {
            return true;
        }
        int w = weights[item];
        if (Integer.compareUnsigned(w, 0x10000) >= 0) {
            return false;
        }
        if (w == 0) {
            return true;
        }
        return (CrushHash.hash32(x, item) & 0xffff) >= w;
    }

    /**
     * Chooses numRep distinct items of the given type below {@code bucket}, filling
     * {@code out[outOff + outpos..]}; with recurseToLeaf each chosen item is also descended to one
     * device, written to {@code out2[out2Off + ..]}. Returns the new outpos.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    private int chooseFirstn(Bucket bucket, int[] weights, int weightMax, int x, int numRep, int type,
                             int[] out, int outOff, int outpos, int outSize, int tries, int recurseTries,
                             int localRetries, int localFallbackRetries, boolean recurseToLeaf,
                             int varyR, int stable, int[] out2, int out2Off, int parentR) {
        int count = outSize;
        for (int rep = stable != 0 ? 0 : outpos; rep < numRep && count > 0; rep++) {
            int ftotal = 0;
            boolean skipRep = false;
            int item = 0;
            boolean retryDescent;
            do {
                retryDescent = false;
                Bucket in = bucket;
                int flocal = 0;
                boolean retryBucket;
                do {
                    boolean collide = false;
                    boolean reject;
                    retryBucket = false;
                    int r = rep + parentR + ftotal;
                    int itemType = 0;
                    if (in.size() == 0) {
                        reject = true;
                    } else {
                        if (localFallbackRetries > 0 && flocal >= (in.size() >> 1)
                                && flocal > localFallbackRetries) {
                            bucketChooses++;
                            item = Bucket.permutationChoose(in, perms[-1 - in.id()], x, r);
                        } else {
                            item = choose(in, x, r);
                        }
                        if (item >= map.maxDevices()) {
                            skipRep = true;
                            break;
                        }
                        Bucket sub = item < 0 ? map.bucket(item) : null;
                        itemType = sub != null ? sub.typeId() : 0;
                        if (itemType != type) {
                            if (sub == null) {
                                skipRep = true;
                                break;
                            }
                            in = sub;
                            retryBucket = true;
                            continue;
                        }
                        for (int i = 0; i < outpos; i++) {
                            if (out[outOff + i] == item) {
                                collide = true;
                                break;
                            }
                        }
                        reject = false;
                        if (!collide && recurseToLeaf) {
                            if (sub != null) {
                                int subR = varyR != 0 ? r >> (varyR - 1) : 0;
                                int got = chooseFirstn(sub, weights, weightMax, x,
                                        stable != 0 ? 1 : outpos + 1, 0, out2, out2Off, outpos, count,
                                        recurseTries, 0, localRetries, localFallbackRetries, false,
                                        varyR, stable, null, 0, subR);
                                if (got <= outpos) {
                                    reject = true;
                                }
                            } else {
                                out2[out2Off + outpos] = item;
                            }
                        }
                        if (!reject && !collide && itemType == 0) {
                            reject = isOut(weights, weightMax, item, x);
                        }
                    }
                    if (reject || collide) {
                        ftotal++;
                        flocal++;
                        if (collide && flocal <= localRetries) {
                            retryBucket = true;
                        } else if (localFallbackRetries > 0 && flocal <= in.size() + localFallbackRetries) {
                            retryBucket = true;
                        } else if (ftotal < tries) {
                            retryDescent = true;
                        } else {
                            skipRep = true;
                        }
                    }
                } while (retryBucket);
            } while (retryDescent);
            if (skipRep) {
                continue;
            }
            out[outOff + outpos] = item;
            outpos++;
            count--;
        }
        return outpos;
    }

    /**
     * Fills exactly {@code left} positions from {@code outpos} on (relative to {@code outOff}),
     * each position keeping its place across retries (erasure-code shards); positions it cannot
     * fill become {@link CrushMap#ITEM_NONE}. The position itself feeds r, also in the nested
     * call, so that shards spread out.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    private void chooseIndep(Bucket bucket, int[] weights, int weightMax, int x, int left, int numRep,
                             int type, int[] out, int outOff, int outpos, int tries, int recurseTries,
                             boolean recurseToLeaf, int[] out2, int parentR) {
        int endPos = outpos + left;
        for (int rep = outpos; rep < endPos; rep++) {
            out[outOff + rep] = ITEM_UNDEF;
            if (out2 != null) {
                out2[outOff + rep] = ITEM_UNDEF;
            }
        }
        for (int ftotal = 0; left > 0 && ftotal < tries; ftotal++) {
            for (int rep = outpos; rep < endPos; rep++) {
                if (out[outOff + rep] != ITEM_UNDEF) {
                    continue;
                }
                if (placeIndep(bucket, weights, weightMax, x, numRep, type, out, outOff, outpos, endPos,
                        rep, ftotal, recurseTries, recurseToLeaf, out2, parentR)) {
                    left--;
                }
            }
        }
        for (int rep = outpos; rep < endPos; rep++) {
            if (out[outOff + rep] == ITEM_UNDEF) {
                out[outOff + rep] = CrushMap.ITEM_NONE;
            }
            if (out2 != null && out2[outOff + rep] == ITEM_UNDEF) {
                out2[outOff + rep] = CrushMap.ITEM_NONE;
            }
        }
    }

    /**
     * One descent for position {@code rep} of an indep step. Returns true when the position is
     * settled (an item, or NONE because the hierarchy cannot give one), false to retry later.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    private boolean placeIndep(Bucket bucket, int[] weights, int weightMax, int x, int numRep, int type,
                               int[] out, int outOff, int outpos, int endPos, int rep, int ftotal,
                               int recurseTries, boolean recurseToLeaf, int[] out2, int parentR) {
        Bucket in = bucket;
        int maxDepth = map.maxBuckets() + 1;
        for (int depth = 0; depth < maxDepth; depth++) {
            int r = rep + parentR;
            if (in.algorithm() == BucketAlgorithm.UNIFORM && in.size() % numRep == 0) {
                r += (numRep + 1) * ftotal;
            } else {
                r += numRep * ftotal;
            }
            if (in.size() == 0) {
                return false;
            }
            int item = choose(in, x, r);
            Bucket sub = item < 0 ? map.bucket(item) : null;
            int itemType = sub != null ? sub.typeId() : 0;
            if (item >= map.maxDevices() || (itemType != type && sub == null)) {
                out[outOff + rep] = CrushMap.ITEM_NONE;
                if (out2 != null) {
                    out2[outOff + rep] = CrushMap.ITEM_NONE;
                }
                return true;
            }
            if (itemType != type) {
                in = sub;
                continue;
            }
            for (int i = outpos; i < endPos; i++) {
                if (out[outOff + i] == item) {
                    return false;
                }
            }
            if (recurseToLeaf) {
                if (sub != null) {
                    chooseIndep(sub, weights, weightMax, x, 1, numRep, 0, out2, outOff, rep,
                            recurseTries, 0, false, null, r);
                    if (out2[outOff + rep] == CrushMap.ITEM_NONE) {
                        return false;
                    }
                } else {
                    out2[outOff + rep] = item;
                }
            }
            if (itemType == 0 && isOut(weights, weightMax, item, x)) {
                return false;
            }
            out[outOff + rep] = item;
            return true;
        }
        throw new IllegalStateException("CRUSH descent deeper than the bucket count: the map has a cycle");
    }
}
