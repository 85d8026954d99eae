"""The referral model's kernel: advocates, referrals, outside adoption, forgetting, and
with the lifecycle on, satisfaction, bad news, churn, win-back, loyalty and reviews.

One run, per step t = 1..T, in this order (all synchronous with the step's start):

0. with reviews on, the social-proof factor ``S`` of the step is computed from the reviews
   written before it (see :func:`social_proof`); it multiplies every referral's
   conversion chance and the advertising rate (each capped at 1);
1. each advocate active at the start of the step refers each neighbour that has not
   adopted, with its own probability ``share[u]`` (candidates reached by geometric
   jumps); a referral converts with ``conv[u]`` (conversion x trust x reward effects of
   the referrer; x ``bad_factor`` for a warned contact, x ``S``), otherwise the
   neighbour becomes aware;
1b. with the lifecycle on, each detractor among the customers of the step's start
   (non-members' list, then members', each in list order) tells each contact who has
   never bought (nor rejected the product) bad news with ``bad_lq``'s chance (geometric
   jumps); a contact told
   rejects the product for good with ``rejection`` (never referred or won from outside
   again), else is warned;
2. each node that has not adopted adopts from outside with probability ``ad_rate``
   (geometric jumps over node ids, skipping adopters: cost n x ad_rate per step); with
   the lifecycle on, a churned customer the advertising reaches comes back with
   ``winback``'s chance (one draw);
3. each advocate active at the start of the step stops referring with ``forget`` (with
   the lifecycle on, its class's ``FORGET``; every advocate draws once whenever some
   chance is positive);
4. with the lifecycle on, each customer of the step's start churns with its list's hazard
   (lists by class, non-members then members; geometric jumps from the end of each
   list, an empty list drawing nothing); a candidate won by a referral whose referrer is still a customer stays with
   ``KEEP``'s chance (one draw: thinning; a referrer who churned earlier in this stage
   no longer keeps anyone); a churned customer stops referring and is never referred
   again, but may be won back (stage 2);
5. each new adopter (in adoption order), then each customer won back (in the order they
   came back), with the lifecycle on, joins the loyalty programme if there is room
   (``JOINS`` all), draws its satisfaction class (promoter below its promoter cut, times
   ``REFERRED`` when a referral won it, lifted by ``LIFT`` toward the passive cut for a
   member; passive below the passive cut; else detractor), joins the programme if it is
   a promoter and there is room (``JOINS`` promoters); then it becomes an advocate with
   ``advocacy[v]`` (with the lifecycle: x its class's ``ADVOCACY``, plus ``RECRUIT`` of
   the rest) and refers from t + 1; then, with reviews on, it writes a review with its
   class's ``REVIEW`` chance (one draw when that chance is positive).

With the lifecycle off, stages 0, 1b and 4, the class, membership and review draws and
win-back do not happen: the draws, and so the results, are those of the model without
it. Seeds draw their class at step 0 (membership, class, no advocacy or review draw:
seeds are advocates).

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
#: Satisfaction classes, in the order of the ``classes`` rows and the ``customers``
#: output.
CLASSES = ("promoter", "passive", "detractor")
#: The columns of the ``flows`` output: per step, customers won by source, the advocates
#: among them, contacts warned and rejecting, customers won back, reviews by class.
FLOWS = ("referral", "outside", "referral_advocates", "outside_advocates", "warned",
         "rejected", "won_back", "reviews_promoter", "reviews_passive",
         "reviews_detractor")
#: The columns of the ``kept`` output: current customers by how they were won (seed,
#: referral, outside, won back: these sum to the customers), those won by referral or
#: from outside who became advocates when they bought, and the loyalty programme's
#: members.
KEPT = ("seed", "referral", "outside", "won_back", "advocates", "members")
TALLY = ("seed", "referral", "outside", "referral_advocates", "outside_advocates",
         "referrals_sent", "referrals_converted", "depth", "largest_cascade")
#: Rows of the ``classes`` input (one column per class): the multiplier on advocacy,
#: the share of the rest an advocacy programme recruits, ``log(1 - churn)`` of
#: non-members and of members, the chance per step an advocate stops referring, the
#: chance to write a review, the review's rating.
ADVOCACY, RECRUIT, CHURN_LQ, MEMBER_CHURN_LQ, FORGET, REVIEW, STARS = range(7)
#: Entries of the ``scalars`` input: ``ad_rate``; ``log(1 - q)`` of a detractor's bad
#: news; ``rejection``; ``bad_factor``; the promoter cut's multiplier for customers won
#: by referral; the chance a customer whose referrer is a customer escapes a churn draw;
#: the chance an advertised churned customer comes back; the loyalty promoter lift; the
#: programme's member cap (0: no programme); who joins (0 all, 1 promoters); with reviews
#: (1) or not (0); the review stock before step 1 and its average rating; the elasticities
#: of the social-proof factor to review volume and to average rating.
(AD_RATE, BAD_LQ, REJECTION, BAD_FACTOR, REFERRED, KEEP, WINBACK, LIFT, CAP, JOINS,
 REVIEWS, STOCK, RATING, E_VOLUME, E_VALENCE) = range(15)
N_SCALARS = 15


@njit(inline="always", cache=True)
def social_proof(scalars, written, classes):
    """The social-proof factor of a step given the reviews written before it.

    With ``N0`` reviews of average ``r0`` before the campaign (``STOCK``, ``RATING``),
    ``N`` written since (``written[c]`` by class, each rated ``classes[STARS, c]``) and
    their average ``r = (N0 r0 + sum_c written[c] stars[c]) / (N0 + N)``, the factor is
    ``((N0 + N + 1) / (N0 + 1)) ** e_volume * (r / r0) ** e_valence``: 1 before any new
    review, and sales elasticities to review volume and valence as in You, Vadakkepatt &
    Joshi 2015 (J. Marketing 79(2)).
    """
    stock = scalars[STOCK]
    r0 = scalars[RATING]
    total = 0.0
    stars = stock * r0
    for c in range(3):
        total += written[c]
        stars += written[c] * classes[STARS, c]
    mean = r0 if stock + total == 0.0 else stars / (stock + total)
    return (((stock + total + 1.0) / (stock + 1.0)) ** scalars[E_VOLUME]
            * (mean / r0) ** scalars[E_VALENCE])


@njit(inline="always", cache=True)
def _jump(s, lq, left):
    """Arcs skipped before the next candidate, or ``left`` when none is left."""
    if lq == 0.0:
        return left
    if lq == -np.inf:
        return 0
    g = math.log(next_open_closed(s)) / lq
    return left if g >= left else np.int64(g)


def referral_runs(indptr, indices, share_lq, conv, advocacy, ad_lq, forget, lifecycle,
                  cut_promoter, cut_passive, classes, scalars, seed_nodes, seed_lo,
                  seed_hi, states, run_ids, steps, n_workers, keep=-1):
    """Run a batch of referral-model runs for ``steps`` steps each.

    Each step follows the stages of the module docstring. Worker ``w`` of
    ``n_workers`` takes rows ``w, w + n_workers, ...``; row ``i`` draws from a copy of
    ``states[run_ids[i]]`` and nothing else, so its outcome does not depend on
    ``n_workers``. A row in which nothing more can happen (no advocate, no advertising,
    no churn or bad news to come) ends early and pads its curves.

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
        Chance per step that an advocate stops referring (lifecycle off).
    lifecycle : bool
        Whether customers have satisfaction classes, churn, bad news and the rest
        (``classes`` and ``scalars``).
    cut_promoter, cut_passive : float64[n]
        A new customer ``v`` is a promoter when its class draw is below its promoter
        cut (``cut_promoter[v]``, adjusted as the module docstring says), else a passive
        below ``cut_passive[v]``, else a detractor (read only with the lifecycle on; may
        be empty otherwise).
    classes : float64[7, 3]
        Per class (promoter, passive, detractor), the rows named ``ADVOCACY``,
        ``RECRUIT``, ``CHURN_LQ``, ``MEMBER_CHURN_LQ``, ``FORGET``, ``REVIEW``,
        ``STARS`` (read only with the lifecycle on).
    scalars : float64[N_SCALARS]
        The lifecycle's numbers, at the indices named ``AD_RATE`` .. ``E_VALENCE``
        (read only with the lifecycle on).
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
        Cumulative adopters after each step ``0 .. T`` (a customer won back is not
        counted again).
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
        ``(rows, 0, 3)``).
    flows : int64[rows, steps + 1, len(FLOWS)]
        Per step, the columns of ``FLOWS`` (row 0 holds zeros). With the lifecycle off,
        shape ``(rows, 0, len(FLOWS))``.
    kept : int64[rows, steps + 1, len(KEPT)]
        Current customers after each step, the columns of ``KEPT``. With the lifecycle
        off, shape ``(rows, 0, len(KEPT))``.
    proof : float64[rows, steps + 1]
        The social-proof factor in force during each step (column 0: before step 1); 1
        without reviews, shape ``(rows, 0)`` with the lifecycle off.

    Examples
    --------
    On the path 0-1-2-3 with sure referrals, conversions and advocacy, a seed at 0
    converts one more node per step:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.referral import TALLY, referral_runs
    >>> from refsim.referral import NO_LIFECYCLE
    >>> indptr = np.array([0, 1, 3, 5, 6])
    >>> indices = np.array([1, 0, 2, 1, 3, 2], np.int32)
    >>> sure = np.ones(4)
    >>> states = run_states(np.random.SeedSequence(0), 1)
    >>> out = referral_runs(indptr, indices, np.full(4, -np.inf), sure, sure, 0.0, 0.0,
    ...                     *NO_LIFECYCLE, np.array([0], np.int32), np.array([0]),
    ...                     np.array([1]), states, np.array([0]), 4, 1, 0)
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
    # Every array is passed read-only and every number with one type, so that callers
    # whose arrays differ only in writeability (a graph's are read-only) share one
    # compiled kernel: a fresh machine compiles it once, not once per combination.
    arrays = [_read_only(a) for a in (indptr, indices, share_lq, conv, advocacy)]
    lifecycle_arrays = [_read_only(a) for a in (cut_promoter, cut_passive, classes,
                                                scalars)]
    seeds = [_read_only(a) for a in (seed_nodes, seed_lo, seed_hi, states, run_ids)]
    return _referral_runs(*arrays, float(ad_lq), float(forget), bool(lifecycle),
                          *lifecycle_arrays, *seeds, int(steps), int(n_workers), int(keep))


def _read_only(a):
    """A read-only view of array ``a`` (no copy)."""
    view = a.view()
    view.flags.writeable = False
    return view


@njit(parallel=True, cache=True)
def _referral_runs(indptr, indices, share_lq, conv, advocacy, ad_lq, forget, lifecycle,
                   cut_promoter, cut_passive, classes, scalars, seed_nodes, seed_lo,
                   seed_hi, states, run_ids, steps, n_workers, keep):
    """:func:`referral_runs` on arrays and numbers of one type each.

    The stages stay in the parallel loop's body: moved to a worker function of their own
    they compile in 11 s instead of 24 s but run 3-7% slower with the lifecycle on."""
    n = indptr.shape[0] - 1
    rows = run_ids.shape[0]
    # row ``keep`` (if >= 0) also reports its adopters in order and their referrers
    (tree_nodes, tree_parents, tree_size, adopters, aware, advocates, tally, virality,
     customers, flows, kept, proof) = _referral_outputs(n, rows, steps, lifecycle, keep)
    reviews = lifecycle and scalars[REVIEWS] != 0.0
    bad_lq = scalars[BAD_LQ] if lifecycle else 0.0
    winback = scalars[WINBACK] if lifecycle else 0.0
    cap = np.int64(scalars[CAP]) if lifecycle else 0
    promoters_join = lifecycle and scalars[JOINS] != 0.0
    stops = forget
    if lifecycle:
        stops = max(classes[FORGET, 0], max(classes[FORGET, 1], classes[FORGET, 2]))
    for w in prange(n_workers):
        stamp = np.zeros(n, np.uint8)
        state = np.zeros(n, np.uint8)
        parent = np.empty(n, np.int32)
        size = np.empty(n, np.int32)
        root = np.empty(n, np.int32)
        order = np.empty(n, np.int32)  # adopters in adoption order
        active = np.empty(n, np.int32)
        # the lifecycle's: each node's place in the advocate list (-1: none), its class,
        # whether it became an advocate, how it was won; each list's customers (class c,
        # members in list c + 3); customers won back
        m = n if lifecycle else 0
        warned = np.empty(m, np.uint8)  # told bad news (stamped)
        apos = np.empty(m, np.int64)
        klass = np.empty(m, np.uint8)
        adv = np.empty(m, np.uint8)  # 1: became an advocate when won (not a seed)
        origin = np.empty(m, np.uint8)  # 0 seed, 1 referral, 2 outside, 3 won back
        members = np.empty((6, m), np.int32)
        back = np.empty(m, np.int32)
        sizes = np.zeros(6, np.int64)
        # the columns of KEPT but the last (members: the member lists' sizes)
        by_origin = np.zeros(len(KEPT) - 1, np.int64)
        written = np.zeros(3, np.float64)
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
            written[:] = 0.0
            factor = 1.0
            for j in range(seed_lo[i], seed_hi[i]):
                v = seed_nodes[j]
                stamp[v] = mark
                state[v] = ADOPTER
                parent[v] = -1
                order[n_adopt] = v
                n_adopt += 1
                if lifecycle:
                    _join(s, v, 0, members, sizes, klass, adv, origin, by_origin,
                          cut_promoter, cut_passive, scalars, cap, promoters_join)
                    apos[v] = n_active
                active[n_active] = v
                n_active += 1
            if lifecycle:
                _count(customers, kept, i, 0, sizes, by_origin)
            tally[i, 0] = n_adopt
            adopters[i, 0] = n_adopt
            aware[i, 0] = 0
            advocates[i, 0] = n_active
            ad_step = ad_lq
            for t in range(1, steps + 1):
                start_adopt = n_adopt
                n_back = 0
                # 0. the step's social proof, from the reviews written before it
                if reviews:
                    factor = social_proof(scalars, written, classes)
                    proof[i, t] = factor
                    ad_step = _log_miss(min(1.0, scalars[AD_RATE] * factor))
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
                        if lifecycle:
                            if warned[v]:
                                chance *= scalars[BAD_FACTOR]
                            if reviews:
                                chance = min(1.0, chance * factor)
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
                if bad_lq != 0.0:
                    for lst in (2, 5):
                        for a in range(sizes[lst]):
                            u = members[lst, a]
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
                                if next_double(s) < scalars[REJECTION]:
                                    if state[v] == AWARE:
                                        n_aware -= 1
                                    state[v] = AVERSE
                                    flows[i, t, 5] += 1
                                elif warned[v] == 0:
                                    warned[v] = 1
                                    flows[i, t, 4] += 1
                # 2. outside adoption among nodes that had not adopted, and win-back
                if ad_step != 0.0:
                    v = -1
                    while True:
                        v += 1 + _jump(s, ad_step, n - v - 1)
                        if v >= n:
                            break
                        _touch(stamp, state, warned, v, mark, lifecycle)
                        if state[v] == CHURNED and winback > 0.0:
                            if next_double(s) < winback:
                                state[v] = ADOPTER
                                back[n_back] = v
                                n_back += 1
                            continue
                        if state[v] >= ADOPTER:
                            continue
                        if state[v] == AWARE:
                            n_aware -= 1
                        state[v] = ADOPTER
                        parent[v] = -1
                        order[n_adopt] = v
                        n_adopt += 1
                # 3. forgetting, among the advocates that referred this step
                if stops > 0.0:
                    a = 0
                    while a < n_active:
                        gone = active[a]
                        chance = classes[FORGET, klass[gone]] if lifecycle else forget
                        if next_double(s) < chance:
                            n_active -= 1
                            active[a] = active[n_active]
                            if lifecycle:  # the moved advocate's place, then the gone one's
                                apos[active[a]] = a
                                apos[gone] = -1
                        else:
                            a += 1
                # 4. churn among the customers of the step's start
                if lifecycle:
                    for lst in range(6):
                        lq = classes[CHURN_LQ if lst < 3 else MEMBER_CHURN_LQ, lst % 3]
                        p = sizes[lst]
                        if p == 0:
                            continue
                        while True:
                            p -= 1 + _jump(s, lq, p)
                            if p < 0:
                                break
                            v = members[lst, p]
                            if (scalars[KEEP] > 0.0 and origin[v] == 1
                                    and state[parent[v]] == ADOPTER
                                    and next_double(s) < scalars[KEEP]):
                                continue  # kept by its referrer, still a customer
                            state[v] = CHURNED
                            by_origin[origin[v]] -= 1
                            by_origin[4] -= adv[v]
                            sizes[lst] -= 1
                            members[lst, p] = members[lst, sizes[lst]]
                            if apos[v] >= 0:  # it stops referring
                                n_active -= 1
                                moved = active[n_active]
                                active[apos[v]] = moved
                                apos[moved] = apos[v]
                                apos[v] = -1
                # 5. new adopters, then customers won back: membership, a satisfaction
                # class, maybe advocacy, maybe a review
                for j in range(start_adopt, n_adopt + n_back):
                    v = order[j] if j < n_adopt else back[j - n_adopt]
                    weight = 1.0
                    extra = 0.0
                    c = 0
                    if lifecycle:
                        how = 1 if j < referred_end else (2 if j < n_adopt else 3)
                        c = _join(s, v, how, members, sizes, klass, adv, origin,
                                  by_origin, cut_promoter, cut_passive, scalars, cap,
                                  promoters_join)
                        apos[v] = -1
                        weight = classes[ADVOCACY, c]
                        extra = classes[RECRUIT, c]
                    chance = advocacy[v] * weight
                    if extra > 0.0:
                        chance += extra * (1.0 - chance)
                    if next_double(s) < chance:
                        if lifecycle:
                            apos[v] = n_active
                            if j < n_adopt:  # won by referral or from outside
                                adv[v] = 1
                                by_origin[4] += 1
                        active[n_active] = v
                        n_active += 1
                        if j < n_adopt:
                            tally[i, 3 if j < referred_end else 4] += 1
                            if lifecycle:
                                flows[i, t, 2 if j < referred_end else 3] += 1
                    if reviews and classes[REVIEW, c] > 0.0:
                        if next_double(s) < classes[REVIEW, c]:
                            written[c] += 1.0
                            flows[i, t, 7 + c] += 1
                tally[i, 1] += referred_end - start_adopt
                tally[i, 2] += n_adopt - referred_end
                if lifecycle:
                    flows[i, t, 0] = referred_end - start_adopt
                    flows[i, t, 1] = n_adopt - referred_end
                    flows[i, t, 6] = n_back
                adopters[i, t] = n_adopt
                aware[i, t] = n_aware
                advocates[i, t] = n_active
                if lifecycle:
                    _count(customers, kept, i, t, sizes, by_origin)
                # nothing left to happen: no advocate, no advertising, no churn or bad
                # news to come
                if n_active == 0 and ad_lq == 0.0 and (
                        not lifecycle or _settled(sizes, classes, bad_lq)):
                    if reviews:
                        factor = social_proof(scalars, written, classes)
                    for r in range(t + 1, steps + 1):
                        adopters[i, r] = n_adopt
                        aware[i, r] = n_aware
                        advocates[i, r] = 0
                        if lifecycle:
                            _count(customers, kept, i, r, sizes, by_origin)
                            proof[i, r] = factor
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
                kept, proof)
    return (adopters, aware, advocates, tally, virality, tree_nodes, tree_parents,
            customers, flows, kept, proof)


#: the compiled body behind the Python front (one signature for every caller)
referral_runs.kernel = _referral_runs


@njit(cache=True)
def _referral_outputs(n, rows, steps, lifecycle, keep):
    """The outputs of :func:`referral_runs`, allocated outside its parallel loop (so that
    the loop's function holds no array expressions to parallelise)."""
    tree_nodes = np.empty(n if keep >= 0 else 0, np.int32)
    tree_parents = np.empty(n if keep >= 0 else 0, np.int32)
    tree_size = np.zeros(1, np.int64)
    adopters = np.empty((rows, steps + 1), np.int64)
    aware = np.empty((rows, steps + 1), np.int64)
    advocates = np.empty((rows, steps + 1), np.int64)
    tally = np.zeros((rows, len(TALLY)), np.int64)
    virality = np.zeros(rows, np.float64)
    over = steps + 1 if lifecycle else 0
    customers = np.zeros((rows, over, 3), np.int64)
    flows = np.zeros((rows, over, len(FLOWS)), np.int64)
    kept = np.zeros((rows, over, len(KEPT)), np.int64)
    proof = np.ones((rows, over), np.float64)
    return (tree_nodes, tree_parents, tree_size, adopters, aware, advocates, tally,
            virality, customers, flows, kept, proof)


@njit(inline="always", cache=True)
def _log_miss(p):
    """``log(1 - p)``: 0 for never, ``-inf`` for sure."""
    if p >= 1.0:
        return -np.inf
    return math.log1p(-p)


@njit(inline="always", cache=True)
def _join(s, v, how, members, sizes, klass, adv, origin, by_origin, cut_promoter,
          cut_passive, scalars, cap, promoters_join):
    """A new (or returning) customer ``v`` won ``how`` (0 seed, 1 referral, 2 outside,
    3 won back):
    the loyalty programme if it joins before its class, its class (one draw), the
    programme if only promoters join; it enters its list. Returns the class."""
    n_members = sizes[3] + sizes[4] + sizes[5]
    member = (not promoters_join) and n_members < cap
    promoter = cut_promoter[v]
    passive = cut_passive[v]
    if how == 1:
        promoter *= scalars[REFERRED]
    if member:
        promoter += scalars[LIFT] * (passive - promoter)
    c = _satisfaction(s, promoter, passive)
    if promoters_join and c == 0 and n_members < cap:
        member = True
    lst = c + 3 if member else c
    members[lst, sizes[lst]] = v
    sizes[lst] += 1
    klass[v] = c
    adv[v] = 0
    origin[v] = how
    by_origin[how] += 1
    return c


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
    """Row i's current customers after step t, by class (members or not) and the
    columns of ``KEPT``."""
    for c in range(3):
        customers[i, t, c] = sizes[c] + sizes[c + 3]
    for c in range(len(KEPT) - 1):
        kept[i, t, c] = by_origin[c]
    kept[i, t, len(KEPT) - 1] = sizes[3] + sizes[4] + sizes[5]  # the members


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
def _settled(sizes, classes, bad_lq):
    """Whether no customer is left who could churn, and no detractor who talks."""
    if sizes[2] + sizes[5] > 0 and bad_lq != 0.0:
        return False
    for lst in range(6):
        if sizes[lst] > 0 and classes[CHURN_LQ if lst < 3 else MEMBER_CHURN_LQ, lst % 3] != 0.0:
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
