"""The referral model's kernel: advocates, referrals, outside adoption, forgetting.

One run, per step t = 1..T, in this order (all synchronous with the step's start):

1. each advocate active at the start of the step refers each neighbour that has not
   adopted, with its own probability ``share[u]`` (candidates reached by geometric
   jumps); a referral converts with ``conv[u]`` (conversion x trust x reward effects of
   the referrer), otherwise the neighbour becomes aware;
1b. with the lifecycle on, each detractor among the customers of the step's start
   (in its class's list order) tells each contact who is not a customer bad news with
   ``bad_lq``'s chance (geometric jumps); a contact told rejects the product for good
   with ``rejection`` (never referred or won from outside again), else is warned:
   referrals to a warned contact then convert with ``bad_factor`` times the chance;
2. each node that has not adopted adopts from outside with probability ``ad_rate``
   (geometric jumps over node ids, skipping adopters: cost n x ad_rate per step);
3. each advocate active at the start of the step stops referring with ``forget``;
4. with the lifecycle on, each customer of the step's start churns with its
   satisfaction class's hazard (geometric jumps over each class's customers, from the
   end of its list; a churned customer stops referring and is never referred again);
5. each new adopter, with the lifecycle on, is first given a satisfaction class
   (promoter, passive, detractor; one draw against its ``cut_promoter``/``cut_passive``),
   then becomes an advocate with its ``advocacy[v]`` (times its class's
   ``class_advocacy`` with the lifecycle on) and refers from t + 1.

With the lifecycle off, stages 1b and 4 and stage 5's class draws do not happen: the draws, and so
the results, are those of the model without it. Seeds draw their class at step 0.

Row ``i`` starts from the seed set ``seed_nodes[seed_lo[i]:seed_hi[i]]``, which may be
empty. Every adoption has a source: seed, referral (with the referrer as parent) or
outside. Per-worker scratch is O(n) and stamped, so a run costs what its advocates and
adopters do. Tally columns are listed in ``TALLY``.
"""

import math

import numpy as np
from numba import njit, prange

from .cascade import next_stamp
from .xoshiro import next_double, next_open_closed

UNAWARE, AWARE, ADOPTER, CHURNED, AVERSE = 0, 1, 2, 3, 4
#: Satisfaction classes, in the order of ``class_advocacy``, ``churn_lq`` and the
#: ``customers`` output.
CLASSES = ("promoter", "passive", "detractor")
#: The columns of the ``flows`` output: customers won in a step, by source.
FLOWS = ("referral", "outside", "referral_advocates", "outside_advocates", "warned",
         "rejected")
TALLY = ("seed", "referral", "outside", "referral_advocates", "outside_advocates",
         "referrals_sent", "referrals_converted", "depth", "largest_cascade")


@njit(inline="always", cache=True)
def _jump(s, lq, left):
    """Arcs skipped before the next candidate, or ``left`` when none is left."""
    if lq == 0.0:
        return left
    if lq == -np.inf:
        return 0
    g = math.log(next_open_closed(s)) / lq
    return left if g >= left else np.int64(g)


@njit(parallel=True, cache=True)
def referral_runs(indptr, indices, share_lq, conv, advocacy, ad_lq, forget, lifecycle,
                  cut_promoter, cut_passive, class_advocacy, churn_lq, bad_lq, rejection,
                  bad_factor, seed_nodes, seed_lo, seed_hi, states, run_ids, steps,
                  n_workers, keep=-1):
    """Run a batch of referral-model runs for ``steps`` steps each.

    Each step follows the four stages of the module docstring. Worker ``w`` of
    ``n_workers`` takes rows ``w, w + n_workers, ...``; row ``i`` draws from a copy of
    ``states[run_ids[i]]`` and nothing else, so its outcome does not depend on
    ``n_workers``. A row whose advocates have all stopped, without outside adoption,
    ends early and pads its curves.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets: advocate ``u`` refers the targets of arcs
        ``indptr[u] .. indptr[u + 1] - 1``.
    indices : int32[m] or int64[m]
        Target of each arc.
    share_lq : float64[n]
        ``log(1 - share[u])``, ``share[u]`` the chance that ``u`` refers a given
        neighbour in a step: 0 for never, ``-inf`` for every neighbour.
    conv : float64[n]
        Chance that a referral from ``u`` converts.
    advocacy : float64[n]
        Chance that ``v`` becomes an advocate when it adopts.
    ad_lq : float
        ``log(1 - ad_rate)``, ``ad_rate`` the chance per step that a node that has not
        adopted adopts from outside; 0 for none.
    forget : float
        Chance per step that an advocate stops referring.
    lifecycle : bool
        Whether customers have satisfaction classes and churn (stages 4 and 5).
    cut_promoter, cut_passive : float64[n]
        A new customer ``v`` is a promoter when its class draw is below
        ``cut_promoter[v]``, else a passive below ``cut_passive[v]``, else a detractor
        (read only with the lifecycle on; may be empty otherwise).
    class_advocacy : float64[3]
        Multiplier on ``advocacy`` per class (promoter, passive, detractor).
    churn_lq : float64[3]
        ``log(1 - h)`` per class, ``h`` the chance per step that a customer of the class
        churns; 0 for none.
    bad_lq : float
        ``log(1 - q)``, ``q`` the chance per step that a detractor tells a given contact
        who is not a customer bad news; 0 for none.
    rejection : float
        Chance that a contact told bad news rejects the product for good.
    bad_factor : float
        Multiplier on the conversion of referrals to a contact warned by bad news.
    seed_nodes : int32[k] or int64[k]
        The seed sets of all rows, concatenated (the dtype of ``indices``).
    seed_lo, seed_hi : int64[rows]
        Row ``i`` starts from ``seed_nodes[seed_lo[i]:seed_hi[i]]`` (distinct nodes, may
        be empty); seeds adopt at step 0 and, as advocates, refer from step 1.
    states : uint64[runs, 4]
        xoshiro256** states; row ``i`` draws from a copy of ``states[run_ids[i]]``.
    run_ids : int64[rows]
        The state (run) of each row; the number of rows is ``run_ids.shape[0]``.
    steps : int
        Number of steps ``T``.
    n_workers : int
        Number of parallel workers; the results do not depend on it.
    keep : int, default -1
        Row whose referral forest is returned (none if negative).

    Returns
    -------
    adopters : int64[rows, steps + 1]
        Cumulative adopters after each step ``0 .. T``.
    aware : int64[rows, steps + 1]
        Nodes referred but not (yet) adopted, after each step.
    advocates : int64[rows, steps + 1]
        Advocates still referring, after each step.
    tally : int64[rows, len(TALLY)]
        Per-row counts, one column per name in ``TALLY``.
    virality : float64[rows]
        Structural virality of each row's largest referral tree (0 below two nodes).
    tree_nodes : int32[a]
        Row ``keep``'s adopters in adoption order (empty when ``keep < 0``).
    tree_parents : int32[a]
        The referrer of each of ``tree_nodes``, -1 for a seed or an outside adoption.
    customers : int64[rows, steps + 1, 3]
        Current customers of each class after each step (with the lifecycle off, shape
        ``(rows, 0, 3)``); adopters minus the sum over classes have churned.
    flows : int64[rows, steps + 1, 6]
        Per step, customers won by referral and from outside, the advocates among each,
        contacts warned by bad news for the first time and contacts who rejected the
        product (the columns of ``FLOWS``; row 0 holds zeros). With the lifecycle off,
        shape ``(rows, 0, 6)``.
    kept : int64[rows, steps + 1, 3]
        Current customers after each step by how they were won: seeds, referrals,
        outside (summing over it gives the sum over ``customers``). With the lifecycle
        off, shape ``(rows, 0, 3)``.

    Examples
    --------
    On the path 0-1-2-3 with sure referrals, conversions and advocacy, a seed at 0
    converts one more node per step:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.referral import TALLY, referral_runs
    >>> indptr = np.array([0, 1, 3, 5, 6])
    >>> indices = np.array([1, 0, 2, 1, 3, 2], np.int32)
    >>> sure = np.ones(4)
    >>> states = run_states(np.random.SeedSequence(0), 1)
    >>> off = (False, np.empty(0), np.empty(0), np.ones(3), np.zeros(3), 0.0, 0.0, 1.0)
    >>> out = referral_runs(indptr, indices, np.full(4, -np.inf), sure, sure, 0.0, 0.0,
    ...                     *off, np.array([0], np.int32), np.array([0]), np.array([1]),
    ...                     states, np.array([0]), 4, 1, 0)
    >>> adopters, aware, advocates, tally, virality, tree_nodes, tree_parents = out[:7]
    >>> adopters.tolist(), aware.tolist(), advocates.tolist()
    ([[1, 2, 3, 4, 4]], [[0, 0, 0, 0, 0]], [[1, 2, 3, 4, 4]])
    >>> dict(zip(TALLY, tally[0].tolist()))  # doctest: +NORMALIZE_WHITESPACE
    {'seed': 1, 'referral': 3, 'outside': 0, 'referral_advocates': 3,
     'outside_advocates': 0, 'referrals_sent': 3, 'referrals_converted': 3, 'depth': 3,
     'largest_cascade': 4}
    >>> round(float(virality[0]), 4), tree_nodes.tolist(), tree_parents.tolist()
    (1.6667, [0, 1, 2, 3], [-1, 0, 1, 2])
    """
    n = indptr.shape[0] - 1
    rows = run_ids.shape[0]
    # row ``keep`` (if >= 0) also reports its adopters in order and their referrers
    tree_nodes = np.empty(n if keep >= 0 else 0, np.int32)
    tree_parents = np.empty(n if keep >= 0 else 0, np.int32)
    tree_size = np.zeros(1, np.int64)
    adopters = np.empty((rows, steps + 1), np.int64)
    aware = np.empty((rows, steps + 1), np.int64)
    advocates = np.empty((rows, steps + 1), np.int64)
    tally = np.zeros((rows, len(TALLY)), np.int64)
    virality = np.zeros(rows, np.float64)
    customers = np.zeros((rows, steps + 1 if lifecycle else 0, 3), np.int64)
    flows = np.zeros((rows, steps + 1 if lifecycle else 0, 6), np.int64)
    kept = np.zeros((rows, steps + 1 if lifecycle else 0, 3), np.int64)
    for w in prange(n_workers):
        stamp = np.zeros(n, np.uint8)
        state = np.zeros(n, np.uint8)
        parent = np.empty(n, np.int32)
        size = np.empty(n, np.int32)
        root = np.empty(n, np.int32)
        order = np.empty(n, np.int32)  # adopters in adoption order
        active = np.empty(n, np.int32)
        # the lifecycle's: each node's place in the advocate list (-1: none), each
        # class's customers
        warned = np.empty(n if lifecycle else 0, np.uint8)  # told bad news (stamped)
        apos = np.empty(n if lifecycle else 0, np.int64)
        members = np.empty((3, n if lifecycle else 0), np.int32)
        sizes = np.zeros(3, np.int64)
        origin = np.empty(n if lifecycle else 0, np.uint8)  # 0 seed, 1 referral, 2 outside
        by_origin = np.zeros(3, np.int64)
        s = np.empty(4, np.uint64)
        count = 0
        for i in range(w, rows, n_workers):
            mark = next_stamp(stamp, count)
            count += 1
            for k in range(4):
                s[k] = states[run_ids[i], k]
            n_adopt = 0
            n_active = 0
            n_aware = 0
            sizes[:] = 0
            by_origin[:] = 0
            for j in range(seed_lo[i], seed_hi[i]):
                v = seed_nodes[j]
                stamp[v] = mark
                state[v] = ADOPTER
                parent[v] = -1
                order[n_adopt] = v
                n_adopt += 1
                if lifecycle:
                    c = _satisfaction(s, cut_promoter[v], cut_passive[v])
                    members[c, sizes[c]] = v
                    sizes[c] += 1
                    apos[v] = n_active
                    origin[v] = 0
                    by_origin[0] += 1
                active[n_active] = v
                n_active += 1
            if lifecycle:
                _count(customers, kept, i, 0, sizes, by_origin)
            tally[i, 0] = n_adopt
            adopters[i, 0] = n_adopt
            aware[i, 0] = 0
            advocates[i, 0] = n_active
            for t in range(1, steps + 1):
                start_adopt = n_adopt
                # 1. referrals from the advocates active at the start of the step
                for a in range(n_active):
                    u = active[a]
                    lq = share_lq[u]
                    e = indptr[u]
                    end = indptr[u + 1]
                    while True:
                        e += _jump(s, lq, end - e)
                        if e >= end:
                            break
                        v = indices[e]
                        e += 1
                        _touch(stamp, state, warned, v, mark, lifecycle)
                        if state[v] >= ADOPTER:  # a customer, churned or averse
                            continue
                        tally[i, 5] += 1
                        chance = conv[u]
                        if lifecycle and warned[v]:
                            chance *= bad_factor
                        if next_double(s) < chance:
                            if state[v] == AWARE:
                                n_aware -= 1
                            state[v] = ADOPTER
                            parent[v] = u
                            order[n_adopt] = v
                            n_adopt += 1
                            tally[i, 6] += 1
                        elif state[v] == UNAWARE:
                            state[v] = AWARE
                            n_aware += 1
                referred_end = n_adopt
                # 1b. bad news from the detractors of the step's start
                if lifecycle and bad_lq != 0.0:
                    for a in range(sizes[2]):
                        u = members[2, a]
                        e = indptr[u]
                        end = indptr[u + 1]
                        while True:
                            e += _jump(s, bad_lq, end - e)
                            if e >= end:
                                break
                            v = indices[e]
                            e += 1
                            _touch(stamp, state, warned, v, mark, lifecycle)
                            if state[v] >= ADOPTER:
                                continue
                            if next_double(s) < rejection:
                                if state[v] == AWARE:
                                    n_aware -= 1
                                state[v] = AVERSE
                                flows[i, t, 5] += 1
                            elif warned[v] == 0:
                                warned[v] = 1
                                flows[i, t, 4] += 1
                # 2. outside adoption among nodes that had not adopted
                if ad_lq != 0.0:
                    v = -1
                    while True:
                        v += 1 + _jump(s, ad_lq, n - v - 1)
                        if v >= n:
                            break
                        _touch(stamp, state, warned, v, mark, lifecycle)
                        if state[v] >= ADOPTER:
                            continue
                        if state[v] == AWARE:
                            n_aware -= 1
                        state[v] = ADOPTER
                        parent[v] = -1
                        order[n_adopt] = v
                        n_adopt += 1
                # 3. forgetting, among the advocates that referred this step
                if forget > 0.0:
                    a = 0
                    while a < n_active:
                        if next_double(s) < forget:
                            n_active -= 1
                            gone = active[a]
                            active[a] = active[n_active]
                            if lifecycle:  # the moved advocate's place, then the gone one's
                                apos[active[a]] = a
                                apos[gone] = -1
                        else:
                            a += 1
                # 4. churn among the customers of the step's start
                if lifecycle:
                    for c in range(3):
                        lq = churn_lq[c]
                        p = sizes[c]
                        while True:
                            p -= 1 + _jump(s, lq, p)
                            if p < 0:
                                break
                            v = members[c, p]
                            state[v] = CHURNED
                            by_origin[origin[v]] -= 1
                            sizes[c] -= 1
                            members[c, p] = members[c, sizes[c]]
                            if apos[v] >= 0:  # it stops referring
                                n_active -= 1
                                moved = active[n_active]
                                active[apos[v]] = moved
                                apos[moved] = apos[v]
                                apos[v] = -1
                # 5. new adopters: a satisfaction class, then maybe advocacy
                for j in range(start_adopt, n_adopt):
                    v = order[j]
                    weight = 1.0
                    if lifecycle:
                        c = _satisfaction(s, cut_promoter[v], cut_passive[v])
                        members[c, sizes[c]] = v
                        sizes[c] += 1
                        apos[v] = -1
                        origin[v] = 1 if j < referred_end else 2
                        by_origin[origin[v]] += 1
                        weight = class_advocacy[c]
                    if next_double(s) < advocacy[v] * weight:
                        if lifecycle:
                            apos[v] = n_active
                        active[n_active] = v
                        n_active += 1
                        tally[i, 3 if j < referred_end else 4] += 1
                        if lifecycle:
                            flows[i, t, 2 if j < referred_end else 3] += 1
                tally[i, 1] += referred_end - start_adopt
                tally[i, 2] += n_adopt - referred_end
                if lifecycle:
                    flows[i, t, 0] = referred_end - start_adopt
                    flows[i, t, 1] = n_adopt - referred_end
                adopters[i, t] = n_adopt
                aware[i, t] = n_aware
                advocates[i, t] = n_active
                if lifecycle:
                    _count(customers, kept, i, t, sizes, by_origin)
                # nothing left to happen: no advocate, no advertising, no churn or bad
                # news to come
                if n_active == 0 and ad_lq == 0.0 and (
                        not lifecycle or _settled(sizes, churn_lq, bad_lq)):
                    for r in range(t + 1, steps + 1):
                        adopters[i, r] = n_adopt
                        aware[i, r] = n_aware
                        advocates[i, r] = 0
                        if lifecycle:
                            _count(customers, kept, i, r, sizes, by_origin)
                    break
            tally[i, 7], tally[i, 8], virality[i] = _forest(order, n_adopt, parent, size, root)
            if i == keep:
                tree_size[0] = n_adopt
                for j in range(n_adopt):
                    tree_nodes[j] = order[j]
                    tree_parents[j] = parent[order[j]]
    if keep >= 0:
        return (adopters, aware, advocates, tally, virality,
                tree_nodes[: tree_size[0]], tree_parents[: tree_size[0]], customers, flows,
                kept)
    return (adopters, aware, advocates, tally, virality, tree_nodes, tree_parents,
            customers, flows, kept)


@njit(inline="always", cache=True)
def _touch(stamp, state, warned, v, mark, lifecycle):
    """Make node v's state this run's: first touched in the run, it is unaware (and,
    with the lifecycle, not warned)."""
    if stamp[v] != mark:
        stamp[v] = mark
        state[v] = UNAWARE
        if lifecycle:
            warned[v] = 0


@njit(inline="always", cache=True)
def _count(customers, kept, i, t, sizes, by_origin):
    """Row i's current customers after step t, by class and by how they were won."""
    for c in range(3):
        customers[i, t, c] = sizes[c]
        kept[i, t, c] = by_origin[c]


@njit(inline="always", cache=True)
def _satisfaction(s, promoter, passive):
    """A new customer's class from one draw: 0 promoter, 1 passive, 2 detractor."""
    x = next_double(s)
    if x < promoter:
        return 0
    if x < passive:
        return 1
    return 2


@njit(inline="always", cache=True)
def _settled(sizes, churn_lq, bad_lq):
    """Whether no customer is left who could churn, and no detractor who talks."""
    if sizes[2] > 0 and bad_lq != 0.0:
        return False
    for c in range(3):
        if sizes[c] > 0 and churn_lq[c] != 0.0:
            return False
    return True


@njit(cache=True)
def _forest(order, m, parent, size, root):
    """Depth of the referral forest, size of its largest tree and that tree's
    structural virality (mean distance between two of its nodes; Goel et al. 2016).

    Adopters come in adoption order, so a parent always precedes its children: one
    forward pass gives depths and roots, one backward pass subtree sizes. The Wiener
    index of a tree is the sum over its edges of s (N - s), with s the size of the
    subtree below the edge. O(adopters). ``size`` holds depths during the first pass.
    """
    if m == 0:
        return 0, 0, 0.0
    depth_max = 0
    for j in range(m):
        v = order[j]
        p = parent[v]
        if p < 0:
            size[v] = 0
            root[v] = v
        else:
            size[v] = size[p] + 1
            root[v] = root[p]
        if size[v] > depth_max:
            depth_max = size[v]
    for j in range(m):
        size[order[j]] = 1
    for j in range(m - 1, -1, -1):
        v = order[j]
        if parent[v] >= 0:
            size[parent[v]] += size[v]
    best = order[0]
    for j in range(m):
        v = order[j]
        if parent[v] < 0 and size[v] > size[best]:
            best = v
    big = size[best]
    if big < 2:
        return depth_max, big, 0.0
    wiener = 0.0
    for j in range(m):
        v = order[j]
        if parent[v] >= 0 and root[v] == best:
            wiener += size[v] * (big - size[v])
    return depth_max, big, 2.0 * wiener / (big * (big - 1.0))
