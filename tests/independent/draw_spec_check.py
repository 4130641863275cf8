"""An independent check of DRAW-SPEC ``spotcheck-draw/1``, (inspector draws) ``spotcheck-draw/2``,
the blinded ``spotcheck-draw/3`` (both kinds) and redacted proofs, written from the specification
page alone: it imports nothing from Spotcheck, so a mistake shared by the engine and its verifier
would show up here. Used by the tests on the known-answer vectors and on the platform's own
proofs.

- ``check(p)``: the public check of any proof (versions 1, 2, 3, or a redacted proof).
- ``check_own(p, identifier, salt_hex)``: the holder's check of a version 3 proof; returns what
  it must print (targets: one row per group whose frame holds the token; inspectors: the visit's
  lines, its team as drawn, its replacements).
- ``check_bureau(p, key_hex, clear)``: the bureau's check of a version 3 proof with the blinding
  key and the clear file.
"""

import hashlib
import hmac
import re


def _h(b):
    return hashlib.sha256(b).digest()


def _hmac(k, m):
    return hmac.new(k, m, hashlib.sha256).digest()


def _seed(p, digest):
    i = _h("\n".join(p["public_inputs"]).encode())
    msg = (p["algorithm"] + "|" + p["kind"] + "|" + p["campaign"] + "|").encode() + digest + i
    return _hmac(bytes.fromhex(p["nonce"]), msg)


V1, V2, V3 = "spotcheck-draw/1", "spotcheck-draw/2", "spotcheck-draw/3"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _is_hex64(x):
    return isinstance(x, str) and _HEX64.fullmatch(x) is not None


def _digest(p):
    if p["kind"] == "targets":
        return _frame_digest(p["frame"])
    return _lines_digest(p["frame_lines"])


def _frame_digest(frame):
    rows = sorted(tuple(r) for r in frame)
    return _h("".join(f"{g}\t{s}\t{i}\n" for g, s, i in rows).encode())


def _lines_digest(lines):
    return _h("".join(line + "\n" for line in sorted(lines)).encode())


def check(p):
    """Raise AssertionError at the first part of the proof that does not hold."""
    if p.get("redacted") is not None:
        _redacted(p)
        return
    nonce = bytes.fromhex(p["nonce"])
    assert p["kind"] in ("targets", "inspectors"), "kind"
    assert p["algorithm"] in (V1, V3) or (p["algorithm"] == V2 and p["kind"] == "inspectors"), "algorithm"
    assert _h(nonce).hex() == p["commitment"], "commitment"
    if p["algorithm"] == V3:
        _blinded_public(p)
    digest = _digest(p)
    assert digest.hex() == p["frame_digest"], "frame digest"
    seed = _seed(p, digest)
    assert seed.hex() == p["seed"], "seed"
    if p["kind"] == "targets":
        _targets(p, seed)
    elif p["algorithm"] == V1:
        _inspectors(p, seed)
    else:  # version 2, and version 3 (version 2's shuffle over the tokens)
        _inspectors_v2(p, seed)


def _redacted(p):
    """A redacted proof: ``H(nonce) = commitment`` and the seed; the rest is redacted."""
    assert set(p) == _REDACTED_FIELDS, "the fields of a redacted proof"
    assert p["redacted"] is True, "redacted"
    assert p["algorithm"] in (V1, V2), "algorithm"
    assert p["kind"] in ("targets", "inspectors"), "kind"
    assert _is_hex64(p["original_sha256"]), "original_sha256"
    assert _h(bytes.fromhex(p["nonce"])).hex() == p["commitment"], "commitment"
    assert _is_hex64(p["frame_digest"]), "frame digest"
    assert _seed(p, bytes.fromhex(p["frame_digest"])).hex() == p["seed"], "seed"
    counts = p["counts"]
    assert isinstance(counts, dict) and all(
        isinstance(st, dict) and all(isinstance(m, int) and not isinstance(m, bool) and m >= 0 for m in st.values())
        for st in counts.values()
    ), "counts"


def _tokens(p):
    """Every entity or visit id a version 3 proof holds (each must be a token)."""
    if p["kind"] == "targets":
        yield from (r[2] for r in p["frame"])
        for field in ("selected", "reserves"):
            for strata in p[field].values():
                for ids in strata.values():
                    yield from ids
        for r in p["replacements"]:
            yield r["out"]
            yield r["in"]
    else:
        for line in p["frame_lines"]:
            f = line.split("\t")
            if f[0] in ("V", "X"):
                yield f[1]
        yield from p["teams"]
        yield from (r["visit"] for r in p["replacements"])


#: The fields of a version 3 proof of each kind (DRAW-SPEC "Blinded draws", "The proof"); the platform may leave
#: out the three timestamps, which no check reads.
_TIMES = {"committed_at", "frozen_at", "drawn_at"}
_V3_UP_TO_SEED = {
    "algorithm", "kind", "campaign", "commitment", "blind_commitment", "nonce", "frame_digest", "public_inputs", "seed"
}  # fmt: skip
_V3_FIELDS = {
    "targets": _V3_UP_TO_SEED | {"frame", "rules", "reserve_size", "selected", "reserves", "replacements"},
    "inspectors": _V3_UP_TO_SEED | {"frame_lines", "team_size", "per_group_min", "capacity", "teams", "replacements"},
}
#: The fields of a redacted proof (DRAW-SPEC "A redacted proof").
_REDACTED_FIELDS = {
    "algorithm", "kind", "campaign", "redacted", "original_sha256", "commitment", "nonce", "frame_digest",
    "public_inputs", "seed", "counts",
}  # fmt: skip


def _blinded_public(p):
    """Version 3's extra public checks."""
    fields = _V3_FIELDS[p["kind"]]
    assert fields <= set(p) <= fields | _TIMES, "the proof has exactly the fields of a version 3 proof"
    bc = p["blind_commitment"]
    assert _is_hex64(bc), "blind_commitment is 64 lowercase hex"
    assert bc != p["commitment"], "blind_commitment differs from commitment"
    assert len(p["public_inputs"]) > 0, "public_inputs not empty"
    for t in _tokens(p):
        assert _is_hex64(t), f"token {t!r} is 64 lowercase hex"


def _salt(key, kind, x):
    return _hmac(key, f"salt|{kind}|{x}".encode())


def _token(salt, x):
    return _h(salt + x.encode()).hex()


def check_own(p, identifier, salt_hex):
    """The holder's check of a version 3 proof: the public check, then the holder's token in the
    draw. Returns what the check must print (see the module's docstring); raises AssertionError
    when the public check fails or the token is not in the draw."""
    check(p)
    assert p["algorithm"] == V3, "a holder's check needs a version 3 proof"
    token = _token(bytes.fromhex(salt_hex), identifier)
    if p["kind"] == "targets":
        rows = _own_targets(p, token)
        assert rows, "token in the draw"
        return rows
    lines = sorted(
        line for line in p["frame_lines"] if line.split("\t")[0] in ("V", "X") and line.split("\t")[1] == token
    )
    assert token in p["teams"], "token in the draw"
    return {
        "lines": lines,
        "team": list(p["teams"][token]),
        "replacements": [dict(r) for r in p["replacements"] if r["visit"] == token],
    }


def _own_targets(p, token):
    seed = bytes.fromhex(p["seed"])
    cells = {}
    for g, s, i in p["frame"]:
        cells.setdefault((g, s), []).append(i)
    out = []
    for g, s in sorted(cells):
        ids = cells[(g, s)]
        if token not in ids:
            continue
        ranked = sorted(ids, key=lambda i: (_hmac(seed, ("target|" + i).encode()), i))
        status = None
        if token in p["selected"][g][s]:
            status = "selected"
        elif token in p["reserves"][g][s]:
            status = f"reserve {p['reserves'][g][s].index(token) + 1}"
        else:
            status = "not drawn"
        for r in p["replacements"]:  # in the order made: the last that concerns the token tells
            if (r["group"], r["stratum"]) != (g, s):
                continue
            if r["out"] == token:
                status = f"replaced out: {r['reason']}"
            elif r["in"] == token:
                status = f"brought in, replacing {r['out']}"
        out.append({"group": g, "stratum": s, "rank": ranked.index(token) + 1, "of": len(ids), "status": status})
    return out


def check_bureau(p, key_hex, clear):
    """The bureau's check of a version 3 proof: ``H(key) = blind_commitment`` and the clear frame
    (``clear["frame"]`` or ``clear["frame_lines"]``) blinded with the key gives ``frame_digest``.
    Raise AssertionError when either fails."""
    assert p["algorithm"] == V3, "a bureau's check needs a version 3 proof"
    key = bytes.fromhex(key_hex)
    assert _h(key).hex() == p["blind_commitment"], "H(key) = blind_commitment"
    kind = p["kind"]
    if kind == "targets":
        frame = [(g, s, _token(_salt(key, kind, i), i)) for g, s, i in clear["frame"]]
        digest = _frame_digest(frame)
        if "excluded" in clear:
            for e in clear["excluded"]:
                assert len(e) == 2 and all(isinstance(x, str) for x in e), "excluded is [[id, reason], ...]"
    else:
        lines = []
        for line in clear["frame_lines"]:
            f = line.split("\t")
            if f[0] in ("V", "X"):
                f[1] = _token(_salt(key, kind, f[1]), f[1])
            lines.append("\t".join(f))
        digest = _lines_digest(lines)
    assert digest.hex() == p["frame_digest"], "clear frame blinded gives frame_digest"


def _targets(p, seed):
    cells = {}
    for g, s, i in p["frame"]:
        cells.setdefault((g, s), []).append(i)
    for (g, s), ids in cells.items():
        rule, m = p["rules"][g][s], len(ids)
        if "count" in rule:
            n = min(rule["count"], m)
        else:
            n = min(m, max(rule["min"], (rule["ratio_bp"] * m + 9999) // 10000))
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
