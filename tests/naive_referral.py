"""A slow, obviously-correct twin of the referral model, coupled to the kernel's draws.

``node_parameters`` turns a :class:`refsim.ReferralModel` into per-node share,
conversion and advocacy from the model's documented rules (segments override, trust
multiplies, the programme's saturating effects), without calling ``node_arrays``.

``referral_coupled`` runs one campaign step by step with dicts, sets and lists, drawing
from :class:`naive.Xoshiro` in the order the model's description fixes:

1. each advocate of the step's starting list, in list order, walks its contacts (CSR
   order) by geometric jumps, ``floor(log U / log(1 - share))`` contacts skipped with U
   uniform on (0, 1]; a contact that has adopted (possibly earlier in this step) is
   passed over; otherwise one uniform decides whether the referral converts with the
   referrer's conversion, else the contact becomes aware;
   then, with a lifecycle, each detractor (in its class list's order, as the step
   starts) walks its contacts by geometric jumps with ``detractor_share``; a contact
   reached that is not a customer, churned or averse draws once: below ``rejection`` it
   becomes averse (never referred or won again), else it is warned, and referrals to a
   warned contact convert with ``bad_news_factor`` times the referrer's conversion;
2. node ids 0..n-1 are walked the same way with ``ad_rate``; a non-adopter reached
   adopts from outside;
3. with ``forget > 0`` each advocate of the list draws once and leaves it with
   probability ``forget``; a leaver's place is taken by the list's last advocate, which
   draws next (so the list order after a step is a function of the draws);
4. with a lifecycle, each satisfaction class's customers (in list order, the class's
   list holding them in the order they joined, a churned member's place taken by the
   list's last) are walked from the end by geometric jumps with the class's churn
   hazard; a customer reached churns: it leaves its class list and, if an advocate, the
   advocate list (its place taken by the list's last), and is never referred again;
5. each adopter of this step, in adoption order, with a lifecycle first draws its class
   (promoter below ``promoters``, passive below ``1 - detractors``, else detractor, and
   joins its class list), then draws once and joins the end of the advocate list with
   its ``advocacy`` (times its class's share with a lifecycle). Seeds draw their class
   as they are placed, in seed order.

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


def _value(x, i):
    """Entry i of a parameter given as one number or one value per node."""
    return float(x) if isinstance(x, (int, float)) else float(x[i])


def _saturation(program, reward):
    return 1.0 - math.exp(-reward / program.reward_scale)


def node_parameters(model, n):
    """Per-node (share, conversion of the node's referrals, advocacy) as lists."""
    prog = model.program
    share_lift = 1.0 + prog.share_lift * _saturation(prog, prog.sender_reward)
    conversion = min(1.0, model.conversion
                     * (1.0 + prog.conversion_lift * _saturation(prog, prog.recipient_reward)))
    sincerity = 1.0 - prog.sincerity_penalty if prog.disclosed and prog.sender_reward > 0 else 1.0
    share, conv, advocacy = [], [], []
    for i in range(n):
        seg = None
        if model.population is not None:
            seg = model.population.segments[int(model.population.codes[i])]
        s = _value(model.share, i) if seg is None or seg.share is None else seg.share
        a = _value(model.advocacy, i) if seg is None or seg.advocacy is None else seg.advocacy
        trust = _value(model.trust, i) * (1.0 if seg is None else seg.trust)
        share.append(min(1.0, s * share_lift))
        conv.append(min(1.0, conversion * trust * sincerity))
        advocacy.append(a)
    return share, conv, advocacy


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
    life = model.lifecycle
    hazard = ([life.churn_promoter, life.churn_passive, life.churn_detractor]
              if life is not None else [])
    weight = [1.0, life.passive_advocacy, 0.0] if life is not None else []
    members = [[], [], []]  # each class's current customers
    klass = {}
    warned = set()  # told bad news, did not reject

    def satisfaction(v):
        x = rng.double()
        c = 0 if x < life.promoters else 1 if x < 1.0 - life.detractors else 2
        klass[v] = c
        members[c].append(v)
        return c

    status = {}  # node -> "aware", "adopter", "churned" or "averse"; absent: unaware
    gone = ("adopter", "churned", "averse")  # never referred or won again
    parent = {}
    source = {}  # node -> "seed", "referral" or "outside"
    order = []
    when = {}  # node -> the step it adopted
    left = {}  # node -> the step it churned
    step = [0]
    advocates = []
    turned = set()  # adopters who became advocates on adopting
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
            satisfaction(int(v))
        advocates.append(int(v))

    def count(kind):
        return sum(1 for x in status.values() if x == kind)

    curves = {"adopters": [len(order)], "aware": [0], "advocates": [len(advocates)],
              "customers": [[len(m) for m in members]], "warned": [0], "rejected": [0]}
    for t in range(1, steps + 1):
        step[0] = t
        first_new = len(order)
        for u in advocates:  # those active at the start: step 1 adds none
            for v in _reached(rng, indices[indptr[u]:indptr[u + 1]], share[u]):
                if status.get(v) in gone:
                    continue
                tally["referrals_sent"] += 1
                if rng.double() < conv[u] * (life.bad_news_factor if v in warned else 1.0):
                    tally["referrals_converted"] += 1
                    adopt(v, "referral", u)
                else:
                    status[v] = "aware"
        told = rejected = 0
        for u in (list(members[2]) if life is not None else []):  # the step's detractors
            for v in _reached(rng, indices[indptr[u]:indptr[u + 1]], life.detractor_share):
                if status.get(v) in gone:
                    continue
                if rng.double() < life.rejection:
                    status[v] = "averse"
                    rejected += 1
                elif v not in warned:
                    warned.add(v)
                    told += 1
        if model.ad_rate > 0.0:
            v = -1
            while True:
                v += 1 + _skip(rng, model.ad_rate, n - v - 1)
                if v >= n:
                    break
                if status.get(v) not in gone:
                    adopt(v, "outside")
        if model.forget_rate > 0.0:
            i = 0
            while i < len(advocates):
                if rng.double() < model.forget_rate:
                    advocates[i] = advocates[-1]
                    advocates.pop()
                else:
                    i += 1
        for c in range(3 if life is not None else 0):
            pos = len(members[c])
            while True:
                pos -= 1 + _skip(rng, hazard[c], pos)
                if pos < 0:
                    break
                v = members[c][pos]
                status[v] = "churned"
                left[v] = t
                members[c][pos] = members[c][-1]
                members[c].pop()
                if v in advocates:
                    at = advocates.index(v)
                    advocates[at] = advocates[-1]
                    advocates.pop()
        for v in order[first_new:]:
            share_of_advocacy = 1.0 if life is None else weight[satisfaction(v)]
            if rng.double() < advocacy[v] * share_of_advocacy:
                advocates.append(v)
                turned.add(v)
                tally[source[v] + "_advocates"] += 1
        curves["adopters"].append(len(order))
        curves["aware"].append(count("aware"))
        curves["advocates"].append(len(advocates))
        curves["customers"].append([len(m) for m in members])
        curves["warned"].append(told)
        curves["rejected"].append(rejected)

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
    formulas of Economics, ReferralProgram and ReferralResult.money."""
    econ, prog = model.economics, model.program
    rewards_total = prog.sender_reward + prog.recipient_reward
    quality = 1.0 - prog.quality_decay * rewards_total / (rewards_total + prog.reward_scale)
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
    """Repeat margin, NPV and payback step of one twin run, step by step: each
    customer's value in the step it was won, the margin of every customer after each
    step, rewards per referral won, advertising from step 1, the seeds at step 0."""
    econ, life = model.economics, model.lifecycle
    cash = [0.0] * (steps + 1)
    for v, how in run["source"].items():
        if how == "seed":
            continue
        if how == "referral":
            cash[run["when"][v]] -= rewards_total
        cash[run["when"][v]] += _worth(econ, quality, run, v)
    repeat = 0.0
    for t in range(1, steps + 1):
        margin = life.margin * sum(run["customers"][t])
        repeat += margin
        cash[t] += margin - econ.ad_cost_per_step
    cash[0] -= seed_cost
    total, payback, npv = 0.0, float("nan"), 0.0
    for t in range(steps + 1):
        total += cash[t] / (1.0 + life.discount_rate) ** t
        if total > 0 and payback != payback:
            payback = float(t)
    npv = total
    out = {"repeat_revenue": repeat, "npv": npv, "payback": payback}
    for name, how in (("clv_referred", "referral"), ("clv_outside", "outside")):
        won = [v for v, h in run["source"].items() if h == how]
        worth = 0.0
        for v in won:  # its value at purchase, then its margin each step it stayed
            worth += _worth(econ, quality, run, v)
            for t in range(run["when"][v], min(run["left"].get(v, steps + 1), steps + 1)):
                worth += life.margin / (1.0 + life.discount_rate) ** t
        out[name] = worth / len(won) if won else float("nan")
    return out
