"""An independent check of DRAW-SPEC ``spotcheck-draw/1`` and (inspector draws) ``spotcheck-draw/2``,
written from the specification page
alone: it imports nothing from Spotcheck, so a mistake shared by the engine and its verifier
would show up here. Used by the tests on the known-answer vectors and on the platform's own
proofs."""

import hashlib
import hmac
import math


def _h(b):
    return hashlib.sha256(b).digest()


def _hmac(k, m):
    return hmac.new(k, m, hashlib.sha256).digest()


def _seed(p, digest):
    i = _h("\n".join(p["public_inputs"]).encode())
    msg = (p["algorithm"] + "|" + p["kind"] + "|" + p["campaign"] + "|").encode() + digest + i
    return _hmac(bytes.fromhex(p["nonce"]), msg)


def check(p):
    """Raise AssertionError at the first part of the proof that does not hold."""
    nonce = bytes.fromhex(p["nonce"])
    assert p["algorithm"] == "spotcheck-draw/1" or (p["algorithm"] == "spotcheck-draw/2" and p["kind"] == "inspectors")
    assert _h(nonce).hex() == p["commitment"], "commitment"
    if p["kind"] == "targets":
        rows = sorted(tuple(r) for r in p["frame"])
        digest = _h("".join(f"{g}\t{s}\t{i}\n" for g, s, i in rows).encode())
    else:
        digest = _h("".join(line + "\n" for line in sorted(p["frame_lines"])).encode())
    assert digest.hex() == p["frame_digest"], "frame digest"
    seed = _seed(p, digest)
    assert seed.hex() == p["seed"], "seed"
    if p["kind"] == "targets":
        _targets(p, seed)
    elif p["algorithm"] == "spotcheck-draw/1":
        _inspectors(p, seed)
    else:
        _inspectors_v2(p, seed)


def _targets(p, seed):
    cells = {}
    for g, s, i in p["frame"]:
        cells.setdefault((g, s), []).append(i)
    for (g, s), ids in cells.items():
        rule, m = p["rules"][g][s], len(ids)
        if "count" in rule:
            n = min(rule["count"], m)
        else:
            n = min(m, max(rule["min"], math.ceil(rule["ratio_bp"] * m / 10000)))
        ranked = sorted(ids, key=lambda i: (_hmac(seed, ("target|" + i).encode()), i))
        assert p["selected"][g][s] == ranked[:n], f"selected {g}/{s}"
        assert p["reserves"][g][s] == ranked[n : n + p["reserve_size"]], f"reserve {g}/{s}"
    used = {}
    current = {g: {s: list(v) for s, v in st.items()} for g, st in p["selected"].items()}
    for r in p["replacements"]:
        key = (r["group"], r["stratum"])
        free = [i for i in p["reserves"][r["group"]][r["stratum"]] if i not in used.get(key, [])]
        assert r["out"] in current[r["group"]][r["stratum"]] and r["in"] == free[0], "replacement"
        used.setdefault(key, []).append(r["in"])
        cell = current[r["group"]][r["stratum"]]
        cell[cell.index(r["out"])] = r["in"]


def _inspectors(p, seed):
    needs, pool, group_of, recused = _frame(p)
    load = {}
    order = sorted(needs, key=lambda v: (_hmac(seed, ("visit|" + v).encode()), v))
    assert list(p["teams"]) == order, "visit order"
    for v in order:
        eligible = [
            i
            for g, need in needs[v].items()
            for i, cats in pool.get(g, {}).items()
            if cats & need
            and i not in recused.get(v, set())
            and (p["capacity"] is None or load.get(i, 0) < p["capacity"])
        ]
        ranked = sorted(eligible, key=lambda i: (_hmac(seed, ("inspector|" + v + "|" + i).encode()), i))
        team = []
        for g in sorted(needs[v]):
            team += [i for i in ranked if group_of[i] == g and i not in team][: p["per_group_min"]]
        team += [i for i in ranked if i not in team][: max(0, p["team_size"] - len(team))]
        assert p["teams"][v] == team, f"team {v}"
        for i in team:
            load[i] = load.get(i, 0) + 1


def _frame(p):
    needs, pool, group_of, recused = {}, {}, {}, {}
    for line in p["frame_lines"]:
        f = line.split("\t")
        if f[0] == "V":
            needs.setdefault(f[1], {})[f[2]] = set(f[3].split(","))
        elif f[0] == "P":
            pool.setdefault(f[1], {})[f[2]] = set(f[3].split(","))
            group_of[f[2]] = f[1]
        else:
            recused.setdefault(f[1], set()).add(f[2])
    return needs, pool, group_of, recused


def _shuffled(seed, v, u):
    """The whole Fisher–Yates shuffle of ``u`` for visit ``v``, made eagerly on a copy."""
    u = list(u)
    for k in range(len(u)):
        m, a = len(u) - k, 0
        while True:
            x = int.from_bytes(_hmac(seed, f"inspector|{v}|{k}|{a}".encode())[:8], "big")
            if x < 2**64 - (2**64 % m):
                break
            a += 1
        r = x % m
        u[k], u[k + r] = u[k + r], u[k]
    return u


def _inspectors_v2(p, seed):
    needs, pool, group_of, recused = _frame(p)
    cap = p["capacity"]
    load = {}
    order = sorted(needs, key=lambda v: (_hmac(seed, ("visit|" + v).encode()), v))
    assert list(p["teams"]) == order, "visit order"
    orders = {}
    for v in order:
        u = sorted(i for g, need in needs[v].items() for i, cats in pool.get(g, {}).items() if cats & need)
        orders[v] = _shuffled(seed, v, u)
        ok = [i for i in orders[v] if i not in recused.get(v, set()) and (cap is None or load.get(i, 0) < cap)]
        team = []
        for g in sorted(needs[v]):
            team += [i for i in ok if group_of[i] == g and i not in team][: p["per_group_min"]]
        team += [i for i in ok if i not in team][: max(0, p["team_size"] - len(team))]
        assert p["teams"][v] == team, f"team {v}"
        for i in team:
            load[i] = load.get(i, 0) + 1
    teams = {v: list(t) for v, t in p["teams"].items()}
    gone = {}
    for r in p["replacements"]:
        v, team = r["visit"], teams[r["visit"]]
        assert r["out"] in team, "replacement: out is on the team"
        gone.setdefault(v, set()).add(r["out"])
        load = {}
        for t in teams.values():
            for i in t:
                load[i] = load.get(i, 0) + 1
        g = group_of[r["out"]]
        same = sum(1 for i in team if i != r["out"] and group_of[i] == g) < p["per_group_min"]
        first = next(
            i
            for i in orders[v]
            if i not in team
            and i not in gone[v]
            and i not in recused.get(v, set())
            and (cap is None or load.get(i, 0) < cap)
            and (not same or group_of[i] == g)
        )
        assert r["in"] == first, f"replacement at {v}"
        team[team.index(r["out"])] = r["in"]
