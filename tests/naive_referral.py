"""A slow, obviously-correct twin of the referral model, coupled to the kernel's draws.

``node_parameters`` turns a :class:`refsim.ReferralModel` into per-node share,
conversion and advocacy from the model's documented rules (segments override, trust
multiplies, the programme's saturating effects), without calling ``node_arrays``;
``satisfaction_cuts`` gives each node's promoter and passive cuts from the lifecycle and
its segment's own mix (an unset share is the lifecycle's), without calling
``lifecycle_inputs``; ``social_proof`` is the reviews' factor from its documented
formula.

``referral_coupled`` runs one campaign step by step with dicts, sets and lists, drawing
from :class:`naive.Xoshiro` in the order the model's description fixes:

0. with reviews, the step's social proof ``S`` is computed (no draw) from the reviews
   written in the steps before: ``((N0 + N + 1) / (N0 + 1)) ** e_volume * (r / r0) **
   e_valence``, ``r`` the mean of the ``N0`` old ratings ``r0`` and the new ones (the
   stars summed as written: ``N0 r0``, then promoters', passives', detractors');
1. each advocate of the step's starting list, in list order, walks its contacts (CSR
   order) by geometric jumps, ``floor(log U / log(1 - share))`` contacts skipped with U
   uniform on (0, 1]; a contact that is or was a customer (possibly since earlier in
   this step) or is averse is passed over; otherwise one uniform decides whether the
   referral converts with the referrer's conversion (times ``bad_news_factor`` for a
   warned contact, then times ``S`` capped at 1), else the contact becomes aware;
1b. with a lifecycle, each detractor among the customers of the step's start,
   non-members (in list order) then members, walks its contacts by geometric jumps with
   ``detractor_share``; a contact reached that is not a customer, churned or averse
   draws once: below ``rejection`` it becomes averse (never referred or won again), else
   it is warned (counted the first time);
2. node ids 0..n-1 are walked the same way with ``ad_rate`` (with reviews ``min(1,
   ad_rate S)``); a node reached that never bought and is not averse adopts from
   outside; a churned one draws once (when ``winback > 0``) and comes back below
   ``winback`` (not a new adopter: it keeps its place in the adoption order);
3. with ``forget_rate > 0`` each advocate of the list draws once and leaves it with its
   chance: ``forget_rate``, times ``1 - forget_reduction`` for a promoter with an
   advocacy programme; a leaver's place is taken by the list's last advocate, which
   draws next (so the list order after a step is a function of the draws);
4. with a lifecycle, six lists of customers in turn: the non-members who are promoters,
   passives, detractors, then the members by class (each holding its customers in the
   order they joined, a churned customer's place taken by the list's last). An empty
   list draws nothing; any other is walked from the end by geometric jumps with its
   hazard (the class's churn; a member's times ``1 - churn_reduction``). A customer
   reached who was won by a referral (this spell: not won back) and whose referrer is a
   customer draws once when ``referrer_churn_reduction > 0`` and stays below it; else it
   churns: it leaves its list, the programme and, if an advocate, the advocate list
   (its place taken by the list's last), and is never referred again;
5. each adopter of this step, in adoption order, then each customer won back this step,
   in the order it came back: with a lifecycle it joins the loyalty programme when
   everyone joins and there are fewer than ``cap`` members; draws its class from one
   uniform (promoter below its promoter cut, that cut times ``referred_value_factor``
   when a referral won it, then moved ``promoter_lift`` of the way to the passive cut
   for a member; passive below ``1 - detractors``; else detractor) and joins its list;
   joins the programme when only promoters join, it is one and there is room; then it
   draws once and joins the end of the advocate list with its ``advocacy`` (times its
   class's share with a lifecycle; a promoter's ``a`` then ``a + recruit (1 - a)`` with
   an advocacy programme); then, with reviews and a positive chance for its class, it
   draws once and writes a review below that chance. Seeds join and draw their class as
   they are placed, in seed order (no advocacy or review draw: they are advocates).

Share 0 (or ad_rate 0) draws nothing and reaches nobody; share 1 draws nothing and
reaches everyone. The referral forest (depth, largest tree, structural virality) is then
measured by walking parent links and breadth-first search, not by subtree sizes.
``money`` prices a run customer by customer from the documented formulas.
"""

from __future__ import annotations

import math
from collections import deque

from naive import Xoshiro

TALLY = ("seed", "referral", "outside", "referral_advocates", "outside_advocates",
         "referrals_sent", "referrals_converted", "depth", "largest_cascade")
#: Sources of a customer's current spell, in the order of the kept columns.
ORIGINS = ("seed", "referral", "outside", "won back")


def _value(x, i):
    """Entry i of a parameter given as one number or one value per node."""
    return float(x) if isinstance(x, (int, float)) else float(x[i])


def _saturation(program, reward):
    return 1.0 - math.exp(-reward / program.reward_scale)


def _quality(program):
    """The programme's multiplier on a referred customer's value (and promoter cut)."""
    rewards_total = program.sender_reward + program.recipient_reward
    return 1.0 - program.quality_decay * rewards_total / (rewards_total
                                                          + program.reward_scale)


def _segment(model, i):
    if model.population is None:
        return None
    return model.population.segments[int(model.population.codes[i])]


def node_parameters(model, n):
    """Per-node (share, conversion of the node's referrals, advocacy) as lists."""
    prog = model.program
    share_lift = 1.0 + prog.share_lift * _saturation(prog, prog.sender_reward)
    conversion = min(1.0, model.conversion
                     * (1.0 + prog.conversion_lift * _saturation(prog, prog.recipient_reward)))
    sincerity = 1.0 - prog.sincerity_penalty if prog.disclosed and prog.sender_reward > 0 else 1.0
    share, conv, advocacy = [], [], []
    for i in range(n):
        seg = _segment(model, i)
        s = _value(model.share, i) if seg is None or seg.share is None else seg.share
        a = _value(model.advocacy, i) if seg is None or seg.advocacy is None else seg.advocacy
        trust = _value(model.trust, i) * (1.0 if seg is None else seg.trust)
        share.append(min(1.0, s * share_lift))
        conv.append(min(1.0, conversion * trust * sincerity))
        advocacy.append(a)
    return share, conv, advocacy


def satisfaction_cuts(model, n):
    """Per node, (promoter cut, passive cut) = (promoters, 1 - detractors): its
    segment's own shares, the lifecycle's where the segment sets none."""
    life = model.lifecycle
    cuts = []
    for i in range(n):
        seg = _segment(model, i)
        p = life.promoters if seg is None or seg.promoters is None else seg.promoters
        d = life.detractors if seg is None or seg.detractors is None else seg.detractors
        cuts.append((p, 1.0 - d))
    return cuts


def social_proof(reviews, written):
    """The reviews' factor given ``written`` new reviews by class (promoters', passives',
    detractors'): ((N0 + N + 1) / (N0 + 1)) ** e_volume * (r / r0) ** e_valence."""
    stock, r0 = reviews.reviews_at_start, reviews.rating_at_start
    ratings = (reviews.rating_promoter, reviews.rating_passive, reviews.rating_detractor)
    total = 0
    stars = stock * r0
    for c in range(3):
        total += written[c]
        stars += written[c] * ratings[c]
    mean = r0 if stock + total == 0 else stars / (stock + total)
    return (((stock + total + 1.0) / (stock + 1.0)) ** reviews.volume_elasticity
            * (mean / r0) ** reviews.valence_elasticity)


def _skip(rng, p, left):
    """Candidates passed over before the next one reached with probability p each;
    ``left`` when the walk ends (p = 0 reaches nobody, p = 1 everybody, no draw)."""
    if p == 0.0:
        return left
    if p == 1.0:
        return 0
    gap = math.log(rng.open_closed()) / math.log1p(-p)
    return left if gap >= left else int(gap)


def _reached(rng, contacts, p):
    """The contacts a walk by geometric jumps with chance p each reaches, in order (the
    draws are taken as the walk goes, between the caller's own)."""
    pos = 0
    while True:
        pos += _skip(rng, p, len(contacts) - pos)
        if pos >= len(contacts):
            return
        yield contacts[pos]
        pos += 1


def referral_coupled(graph, model, seeds, state, steps):
    """One run of ``model`` from xoshiro ``state``; return a dict of its outcome."""
    n = graph.n
    indptr = graph.indptr.tolist()
    indices = graph.indices.tolist()
    share, conv, advocacy = node_parameters(model, n)
    rng = Xoshiro(state)
    life, club = model.lifecycle, model.loyalty
    reviews, coach = model.reviews, model.advocacy_programme
    quality = _quality(model.program)
    if life is not None:
        cuts = satisfaction_cuts(model, n)
        churn = [life.churn_promoter, life.churn_passive, life.churn_detractor]
        keep = 1.0 - club.churn_reduction if club is not None else 0.0
        hazard = churn + [h * keep for h in churn]  # lists 3..5 hold members only
        weight = [1.0, life.passive_advocacy, 0.0]
        forget = [model.forget_rate] * 3
        if coach is not None:
            forget[0] = model.forget_rate * (1.0 - coach.forget_reduction)
        if reviews is not None:
            writes = [reviews.review_promoter, reviews.review_passive,
                      reviews.review_detractor]
    lists = [[] for _ in range(6)]  # non-members by class, then members by class
    klass = {}
    member = set()  # current members of the loyalty programme
    origin = {}  # customer -> how its current spell began: one of ORIGINS
    warned = set()  # told bad news, did not reject
    written = [0, 0, 0]  # reviews written, by class

    def room():
        if club is None:
            return False
        return club.cap is None or len(lists[3]) + len(lists[4]) + len(lists[5]) < club.cap

    def join(v, how):
        """Membership, class (one draw), membership again; v enters its list."""
        early = room() and club.joins == "all"
        promoter, passive = cuts[v]
        if how == "referral":
            promoter *= quality
        if early:
            promoter += club.promoter_lift * (passive - promoter)
        x = rng.double()
        c = 0 if x < promoter else 1 if x < passive else 2
        late = not early and c == 0 and room() and club.joins == "promoters"
        klass[v] = c
        origin[v] = how
        if early or late:
            member.add(v)
        lists[c + 3 if v in member else c].append(v)
        return c

    status = {}  # node -> "aware", "adopter", "churned" or "averse"; absent: unaware
    gone = ("adopter", "churned", "averse")  # never referred again
    parent = {}
    source = {}  # node -> "seed", "referral" or "outside": how it first bought
    order = []
    when = {}  # node -> the step it adopted
    left = {}  # node -> the step it first churned
    step = [0]
    advocates = []
    turned = set()  # adopters who became advocates on adopting (seeds are not)
    tally = dict.fromkeys(TALLY, 0)

    def adopt(v, how, referrer=-1):
        status[v] = "adopter"
        parent[v] = referrer
        source[v] = how
        when[v] = step[0]
        order.append(v)
        tally[how] += 1

    for v in seeds:
        adopt(int(v), "seed")
        if life is not None:
            join(int(v), "seed")
        advocates.append(int(v))

    def count(kind):
        return sum(1 for x in status.values() if x == kind)

    def snapshot(flows, proof):
        """Append the curves of the step just ended."""
        curves["adopters"].append(len(order))
        curves["aware"].append(count("aware"))
        curves["advocates"].append(len(advocates))
        curves["active"].append(list(advocates))
        current = [v for v, x in status.items() if x == "adopter"]
        if life is not None:  # every customer is in exactly one list
            assert sorted(current) == sorted(v for lst in lists for v in lst)
        curves["customers"].append([sum(1 for v in current if klass[v] == c)
                                    for c in range(3)] if life is not None else [0, 0, 0])
        curves["roster"].append({v: v in member for v in current})
        if life is not None:
            kept = [sum(1 for v in current if origin[v] == how) for how in ORIGINS]
            kept.append(sum(1 for v in current
                            if origin[v] in ("referral", "outside") and v in turned))
            kept.append(sum(1 for v in current if v in member))
            curves["kept"].append(kept)
            curves["flows"].append(flows)
            curves["proof"].append(proof)

    curves = {"adopters": [], "aware": [], "advocates": [], "active": [], "customers": [],
              "roster": [], "kept": [], "flows": [], "proof": []}
    snapshot([0] * 10, 1.0)
    for t in range(1, steps + 1):
        step[0] = t
        first_new = len(order)
        flows = [0] * 10  # the columns of FLOWS
        # 0. the social proof of the reviews written before this step
        proof = social_proof(reviews, written) if reviews is not None else 1.0
        # 1. referrals
        for u in advocates:  # those active at the start: step 1 adds none
            for v in _reached(rng, indices[indptr[u]:indptr[u + 1]], share[u]):
                if status.get(v) in gone:
                    continue
                tally["referrals_sent"] += 1
                chance = conv[u] * (life.bad_news_factor if v in warned else 1.0)
                if reviews is not None:
                    chance = min(1.0, chance * proof)
                if rng.double() < chance:
                    tally["referrals_converted"] += 1
                    adopt(v, "referral", u)
                else:
                    status[v] = "aware"
        # 1b. bad news from the detractors of the step's start, non-members first
        for u in (lists[2] + lists[5] if life is not None else []):
            for v in _reached(rng, indices[indptr[u]:indptr[u + 1]], life.detractor_share):
                if status.get(v) in gone:
                    continue
                if rng.double() < life.rejection:
                    status[v] = "averse"
                    flows[5] += 1
                elif v not in warned:
                    warned.add(v)
                    flows[4] += 1
        # 2. advertising: outside adoption and win-back
        back = []
        ad = min(1.0, model.ad_rate * proof) if reviews is not None else model.ad_rate
        if ad > 0.0:
            v = -1
            while True:
                v += 1 + _skip(rng, ad, n - v - 1)
                if v >= n:
                    break
                if status.get(v) == "churned" and life.winback > 0.0:
                    if rng.double() < life.winback:
                        status[v] = "adopter"
                        back.append(v)
                elif status.get(v) not in gone:
                    adopt(v, "outside")
        # 3. forgetting
        if model.forget_rate > 0.0:
            i = 0
            while i < len(advocates):
                chance = model.forget_rate if life is None else forget[klass[advocates[i]]]
                if rng.double() < chance:
                    advocates[i] = advocates[-1]
                    advocates.pop()
                else:
                    i += 1
        # 4. churn, list by list, each walked from its end
        for lst in range(6 if life is not None else 0):
            pos = len(lists[lst])
            if pos == 0:
                continue  # an empty list draws nothing
            while True:
                pos -= 1 + _skip(rng, hazard[lst], pos)
                if pos < 0:
                    break
                v = lists[lst][pos]
                if (life.referrer_churn_reduction > 0.0 and origin[v] == "referral"
                        and status[parent[v]] == "adopter"
                        and rng.double() < life.referrer_churn_reduction):
                    continue  # kept by its referrer
                status[v] = "churned"
                left.setdefault(v, t)
                lists[lst][pos] = lists[lst][-1]
                lists[lst].pop()
                member.discard(v)
                if v in advocates:
                    at = advocates.index(v)
                    advocates[at] = advocates[-1]
                    advocates.pop()
        # 5. the step's adopters, then those won back: class, advocacy, review
        newcomers = [(v, source[v]) for v in order[first_new:]] + [(v, "won back")
                                                                     for v in back]
        for v, how in newcomers:
            chance = advocacy[v]
            if life is not None:
                c = join(v, how)
                chance = advocacy[v] * weight[c]
                if c == 0 and coach is not None:
                    chance = coach.promoter_advocacy(chance)
            if rng.double() < chance:
                advocates.append(v)
                if how != "won back":
                    turned.add(v)
                    tally[how + "_advocates"] += 1
                    flows[2 if how == "referral" else 3] += 1
            if reviews is not None and writes[c] > 0.0 and rng.double() < writes[c]:
                written[c] += 1
                flows[7 + c] += 1
        flows[0] = sum(1 for v in order[first_new:] if source[v] == "referral")
        flows[1] = sum(1 for v in order[first_new:] if source[v] == "outside")
        flows[6] = len(back)
        snapshot(flows, proof)

    depth, largest, virality = forest(order, parent)
    tally["depth"], tally["largest_cascade"] = depth, largest
    return {"tally": tally, "virality": virality, "order": order,
            "parents": [parent[v] for v in order], "source": source, "turned": turned,
            "klass": klass, "when": when, "left": left, **curves}


def forest(order, parent):
    """(depth, size of the largest tree, its structural virality) of a referral forest.

    Ties between trees of the largest size go to the one whose root adopted first.
    """
    if not order:
        return 0, 0, 0.0
    root, depth = {}, {}
    for v in order:
        chain = [v]
        while parent[chain[-1]] >= 0:
            chain.append(parent[chain[-1]])
        root[v], depth[v] = chain[-1], len(chain) - 1
    members = {}
    for v in order:
        members.setdefault(root[v], []).append(v)
    best = max(members.values(), key=len)  # max keeps the first of equal lengths
    if len(best) < 2:
        return max(depth.values()), len(best), 0.0
    nbrs = {v: [] for v in best}
    for v in best:
        if parent[v] >= 0:
            nbrs[v].append(parent[v])
            nbrs[parent[v]].append(v)
    total = 0
    for a in best:
        dist = {a: 0}
        queue = deque([a])
        while queue:
            x = queue.popleft()
            for y in nbrs[x]:
                if y not in dist:
                    dist[y] = dist[x] + 1
                    queue.append(y)
        total += sum(dist.values())
    k = len(best)
    return max(depth.values()), k, total / (k * (k - 1))


def money(model, graph, seeds, run, steps):
    """Revenue and costs of one twin run, customer by customer, from the documented
    formulas of Economics, ReferralProgram, Lifecycle, the programmes and
    ReferralResult.money."""
    econ, prog = model.economics, model.program
    rewards_total = prog.sender_reward + prog.recipient_reward
    quality = _quality(prog)
    t = run["tally"]
    revenue = sum(_worth(econ, quality, run, v) for v, how in run["source"].items()
                  if how != "seed")  # seeds are not acquired customers
    rewards = t["referrals_converted"] * rewards_total
    seed_cost = 0.0
    for v in seeds:
        v = int(v)
        if econ.seed_cost is not None:
            fee = _value(econ.seed_cost, v)
        elif model.population is not None:
            fee = model.population.segments[int(model.population.codes[v])].seed_cost
        else:
            fee = 0.0
        followers = int(graph.indptr[v + 1] - graph.indptr[v])
        seed_cost += fee + econ.seed_cost_per_follower * followers
    ad_cost = econ.ad_cost_per_step * steps
    cost = rewards + seed_cost + ad_cost
    acquired = t["referral"] + t["outside"]
    nan = float("nan")
    over = {}
    if model.lifecycle is not None:
        over = _over_time(model, run, steps, seed_cost, quality, rewards_total)
        revenue += over["repeat_revenue"]
        cost += over["loyalty_cost"] + over["advocacy_cost"]
    return {**over, "revenue": revenue, "cost": cost, "profit": revenue - cost,
            "roi": (revenue - cost) / cost if cost > 0 else nan,
            "cac": cost / acquired if acquired > 0 else nan,
            "cost_per_referral": rewards / t["referrals_converted"]
            if t["referrals_converted"] > 0 else nan,
            "rewards": rewards, "seed_cost": seed_cost, "ad_cost": float(ad_cost)}


def _worth(econ, quality, run, v):
    """What acquired customer v brings at purchase: the customer value, times the
    advocate multiplier for an advocate, times the referral premium and the programme's
    quality for a referred one."""
    worth = econ.customer_value
    if v in run["turned"]:
        worth *= econ.advocate_multiplier
    if run["source"][v] == "referral":
        worth *= (1.0 + econ.referral_premium) * quality
    return worth


def _over_time(model, run, steps, seed_cost, quality, rewards_total):
    """Repeat margin, programme costs, NPV, payback step and lifetime values of one twin
    run, step by step: each customer's value in the step it was won, the margin of every
    customer after each step (a member's lifted), the loyalty programme's fixed cost and
    cost per member after each step, the advocacy programme's fixed cost and cost per
    advocate active during the step, rewards per referral won, advertising from step 1,
    the seeds at step 0."""
    econ, life = model.economics, model.lifecycle
    club, coach = model.loyalty, model.advocacy_programme
    cash = [0.0] * (steps + 1)
    for v, how in run["source"].items():
        if how == "seed":
            continue
        if how == "referral":
            cash[run["when"][v]] -= rewards_total
        cash[run["when"][v]] += _worth(econ, quality, run, v)
    repeat = loyalty_cost = advocacy_cost = 0.0
    lift = [1.0] * (steps + 1)  # members' share of the margin lift, per customer
    for t in range(1, steps + 1):
        roster = run["roster"][t]  # current customers after step t: member or not
        margin = 0.0
        for joined in roster.values():
            margin += life.margin * (1.0 + club.margin_lift) if joined else life.margin
        loyal = active = 0.0
        if club is not None:
            loyal = club.fixed_cost + sum(club.cost_per_member for m in roster.values() if m)
            if roster:
                lift[t] = 1.0 + club.margin_lift * (sum(roster.values()) / len(roster))
        if coach is not None:
            active = coach.fixed_cost + sum(coach.cost_per_advocate
                                            for _ in run["active"][t - 1])
        repeat += margin
        loyalty_cost += loyal
        advocacy_cost += active
        cash[t] += margin - econ.ad_cost_per_step - loyal - active
    cash[0] -= seed_cost
    discounted = [cash[t] / (1.0 + life.discount_rate) ** t for t in range(steps + 1)]
    total, payback = 0.0, float("nan")
    for t in range(steps + 1):
        total += discounted[t]
        if total > 0 and math.isnan(payback):
            payback = float(t)
    out = {"repeat_revenue": repeat, "npv": total, "payback": payback,
           "loyalty_cost": loyalty_cost, "advocacy_cost": advocacy_cost,
           "cash_flow": discounted}
    # each acquired customer: its value at purchase, then its margin each step of the
    # spell it was won in (a member's lift shared among all customers)
    groups = {"clv_referred": [], "clv_outside": [], "clv_advocates": [], "clv_others": []}
    for v, how in run["source"].items():
        if how == "seed":
            continue
        worth = _worth(econ, quality, run, v)
        for t in range(run["when"][v], min(run["left"].get(v, steps + 1), steps + 1)):
            worth += life.margin * lift[t] / (1.0 + life.discount_rate) ** t
        groups["clv_referred" if how == "referral" else "clv_outside"].append(worth)
        groups["clv_advocates" if v in run["turned"] else "clv_others"].append(worth)
    for name, worths in groups.items():
        out[name] = sum(worths) / len(worths) if worths else float("nan")
    return out
