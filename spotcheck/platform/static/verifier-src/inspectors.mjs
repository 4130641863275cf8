// The inspector draws of DRAW-SPEC (随机选派检查人员, spotcheck/draw/inspectors.py and shuffle.py)
// as the verifier replays them: the frame, version 1 (every eligible inspector keyed at every
// visit), version 2 (a keyed shuffle made lazily; version 3 is version 2 over blinded visits), and the
// replacements of each (versions.py).
import { SHUFFLED, TICK, checkField, deriveSeed, linesDigest } from "./primitives.mjs";
import {
  PyError, cmpStr, fromHex, hashKey, hashable, isStr, keyError, pyEq, pyGe, pyGet, pyIn, pyIndex, pyItems, pyIter,
  pyLt, pyRepr, pySliceTo, pyStr, pyTruth, typeName, utf8, valueError,
} from "./python.mjs";
import { Smallest, cmpEntry, entry, rankKeys } from "./ranking.mjs";

/** A draw cannot be formed (inspectors.DrawFailed); the message names the visit and what is missing. */
export class DrawFailed extends Error {}

const EMPTY_SET = new Set();
const EMPTY_MAP = new Map();

/** The frame lines parsed: needs per visit and group, pool per group, recusals per visit. */
export function parseFrame(lines) {
  const needs = new Map();
  const pool = new Map();
  const groupOf = new Map();
  const recused = new Map();
  for (const line of lines) {
    const parts = line.split("\t");
    if (parts[0] === "V" && parts.length === 4) {
      if (!needs.has(parts[1])) needs.set(parts[1], new Map());
      needs.get(parts[1]).set(parts[2], new Set(parts[3].split(",")));
    } else if (parts[0] === "P" && parts.length === 4) {
      if (!groupOf.has(parts[2])) groupOf.set(parts[2], parts[1]);
      if (groupOf.get(parts[2]) !== parts[1]) throw valueError(`inspector ${parts[2]} is in two groups`);
      if (!pool.has(parts[1])) pool.set(parts[1], new Map());
      pool.get(parts[1]).set(parts[2], new Set(parts[3].split(",")));
    } else if (parts[0] === "X" && parts.length === 3) {
      if (!recused.has(parts[1])) recused.set(parts[1], new Set());
      recused.get(parts[1]).add(parts[2]);
    } else {
      throw valueError(`malformed frame line ${pyRepr(line)}`);
    }
  }
  return { needs, pool, groupOf, recused };
}

const shares = (a, b) => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

function needsOf(frame, visit) {
  if (!isStr(visit) || !frame.needs.has(visit)) throw keyError(visit);
  return frame.needs.get(visit);
}

const underCapacity = (load, inspector, capacity) => capacity === null || pyLt(load.get("s" + inspector) || 0, capacity);

/** The order of visits: ascending (HMAC(seed, "visit|" ‖ visit), visit). */
function* visitOrder(seed, visits, meter) {
  const key = rankKeys(seed, "visit|", meter);
  const keyed = [];
  for (const visit of visits) {
    keyed.push(entry(key(utf8(visit)), visit));
    if (meter.due()) yield TICK;
  }
  return keyed.sort(cmpEntry).map((e) => e.id);
}

function drawFailedGroup(visit, group, taken, perGroupMin) {
  return new DrawFailed(`visit ${visit}: department ${group} has ${taken} eligible inspector(s), needs ${pyStr(perGroupMin)} `
    + "(qualified, valid certificate, not recused, under capacity)");
}

function drawFailedTeam(visit, size, teamSize) {
  return new DrawFailed(`visit ${visit}: only ${size} eligible inspector(s) for a team of ${pyStr(teamSize)} `
    + "(qualified, valid certificate, not recused, under capacity)");
}

/** Every visit's team (a Map in visit order), by the proof's version; DrawFailed if one cannot be formed. */
export function* redrawInspectors(algorithm, { campaign, nonce, lines, teamSize, perGroupMin, capacity, publicInputs }, meter) {
  checkField(campaign, "campaign");
  if (pyLt(teamSize, 2)) throw valueError("a team has at least 2 inspectors");
  const sorted = pyIter(lines).slice().sort(cmpStr);
  const frame = parseFrame(sorted);
  const seed = deriveSeed(nonce, "inspectors", campaign, linesDigest(sorted), publicInputs, algorithm);
  const draw = pyIn(algorithm, SHUFFLED) ? drawTeamsV2 : drawTeamsV1;
  meter.total += frame.needs.size;
  return yield* draw(frame, seed, teamSize, perGroupMin, capacity, meter);
}

// ---------------------------------------------------------------- version 1 (inspectors.py)

function* drawTeamsV1(frame, seed, teamSize, perGroupMin, capacity, meter) {
  const keep = pyLt(teamSize, perGroupMin) ? perGroupMin : teamSize; // max(team_size, per_group_min)
  const candidates = new Map(); // (group, needed) -> the pool members under capacity, in pool order
  const listedIn = new Map(); // inspector -> the lists holding them
  const load = new Map();
  const teams = new Map();
  const scratch = new Uint32Array(8);
  const encoded = new Map();
  const bytesOf = (id) => {
    let bytes = encoded.get(id);
    if (bytes === undefined) encoded.set(id, (bytes = utf8(id)));
    return bytes;
  };
  for (const visit of yield* visitOrder(seed, frame.needs.keys(), meter)) {
    const key = rankKeys(seed, `inspector|${visit}|`, meter);
    const recused = frame.recused.get(visit);
    let best = [];
    for (const [group, needed] of frame.needs.get(visit)) {
      const which = JSON.stringify([group, Array.from(needed).sort(cmpStr)]);
      let listed = candidates.get(which);
      if (listed === undefined) {
        listed = new Set();
        for (const [inspector, categories] of frame.pool.get(group) || EMPTY_MAP) {
          if (shares(categories, needed) && underCapacity(load, inspector, capacity)) listed.add(inspector);
        }
        candidates.set(which, listed);
        for (const inspector of listed) {
          if (!listedIn.has(inspector)) listedIn.set(inspector, []);
          listedIn.get(inspector).push(listed);
        }
      }
      if (!(typeof keep === "number" || typeof keep === "boolean" || typeof keep === "bigint")) {
        throw new PyError("TypeError", `'${typeName(keep)}' object cannot be interpreted as an integer`);
      }
      const smallest = new Smallest(typeof keep === "bigint" ? Infinity : Number(keep));
      for (const inspector of listed) {
        if (recused && recused.has(inspector)) continue;
        key(bytesOf(inspector), scratch);
        if (smallest.wants(scratch, inspector)) smallest.push(entry(scratch.slice(), inspector));
        if (meter.due()) yield TICK;
      }
      best = best.concat(smallest.sorted());
    }
    const team = pickTeamV1(frame, visit, best.sort(cmpEntry).map((e) => e.id), teamSize, perGroupMin);
    for (const member of team) load.set("s" + member, (load.get("s" + member) || 0) + 1);
    if (capacity !== null) {
      for (const member of team) {
        if (pyGe(load.get("s" + member), capacity)) {
          for (const listed of listedIn.get(member) || []) listed.delete(member);
          listedIn.delete(member);
        }
      }
    }
    teams.set(visit, team);
    meter.done++;
    if (meter.due()) yield TICK;
  }
  return teams;
}

function pickTeamV1(frame, visit, ranked, teamSize, perGroupMin) {
  const team = [];
  for (const group of Array.from(frame.needs.get(visit).keys()).sort(cmpStr)) {
    const own = pySliceTo(ranked.filter((i) => frame.groupOf.get(i) === group && !team.includes(i)), perGroupMin);
    if (pyLt(own.length, perGroupMin)) throw drawFailedGroup(visit, group, own.length, perGroupMin);
    team.push(...own);
  }
  for (const inspector of ranked) {
    if (pyGe(team.length, teamSize)) break;
    if (!team.includes(inspector)) team.push(inspector);
  }
  if (pyLt(team.length, teamSize)) throw drawFailedTeam(visit, team.length, teamSize);
  return team;
}

/** Inspectors who may go on ``visit`` given the load (Frame.eligible). */
function eligibleV1(frame, visit, load, capacity) {
  const out = [];
  const recused = frame.recused.get(visit) || EMPTY_SET;
  for (const [group, needed] of needsOf(frame, visit)) {
    for (const [inspector, categories] of frame.pool.get(group) || EMPTY_MAP) {
      if (shares(categories, needed) && !recused.has(inspector) && underCapacity(load, inspector, capacity)) out.push(inspector);
    }
  }
  return out;
}

// ---------------------------------------------------------------- version 2 (shuffle.py)

const SPAN = 1n << 64n;

/** A visit's keyed Fisher–Yates order over its sorted candidates, computed as far as it is read. */
class VisitOrder {
  constructor(seed, visit, candidates, meter) {
    this.key = rankKeys(seed, `inspector|${pyStr(visit)}|`, meter);
    this.sorted = candidates;
    this.swapped = new Map();
    this.done = [];
  }

  at(position) {
    return this.swapped.has(position) ? this.swapped.get(position) : this.sorted[position];
  }

  uniform(k, m) {
    const span = BigInt(m);
    const limit = SPAN - (SPAN % span);
    for (let attempt = 0; ; attempt++) {
      const key = this.key(utf8(`${k}|${attempt}`));
      const x = (BigInt(key[0]) << 32n) | BigInt(key[1]);
      if (x < limit) return Number(x % span);
    }
  }

  /** The inspector at ``position`` of the order, or undefined past its end. */
  get(position) {
    while (this.done.length <= position && this.done.length < this.sorted.length) {
      const k = this.done.length;
      const j = k + this.uniform(k, this.sorted.length - k);
      const here = this.at(k);
      const there = this.at(j);
      this.swapped.set(j, here);
      this.swapped.delete(k);
      this.done.push(there);
    }
    return this.done[position];
  }
}

/** U: the pool inspectors of the visit's groups sharing a category with what their group needs there, sorted. */
function candidatesOf(frame, visit) {
  const found = [];
  for (const [group, needed] of needsOf(frame, visit)) {
    for (const [inspector, categories] of frame.pool.get(group) || EMPTY_MAP) {
      if (shares(categories, needed)) found.push(inspector);
    }
  }
  return found.sort(cmpStr);
}

function* pickTeamV2(frame, visit, order, load, capacity, teamSize, perGroupMin, meter) {
  const team = [];
  const recused = frame.recused.get(visit) || EMPTY_SET;
  const eligible = (i) => !team.includes(i) && !recused.has(i) && underCapacity(load, i, capacity);
  for (const group of Array.from(frame.needs.get(visit).keys()).sort(cmpStr)) {
    let taken = 0;
    if (pyTruth(perGroupMin)) {
      for (let p = 0, inspector; (inspector = order.get(p)) !== undefined; p++) {
        if (frame.groupOf.get(inspector) === group && eligible(inspector)) {
          team.push(inspector);
          taken++;
          if (pyEq(taken, perGroupMin)) break;
        }
        if (meter.due()) yield TICK;
      }
    }
    if (pyLt(taken, perGroupMin)) throw drawFailedGroup(visit, group, taken, perGroupMin);
  }
  if (pyLt(team.length, teamSize)) {
    for (let p = 0, inspector; (inspector = order.get(p)) !== undefined; p++) {
      if (eligible(inspector)) {
        team.push(inspector);
        if (pyGe(team.length, teamSize)) break;
      }
      if (meter.due()) yield TICK;
    }
  }
  if (pyLt(team.length, teamSize)) throw drawFailedTeam(visit, team.length, teamSize);
  return team;
}

function* drawTeamsV2(frame, seed, teamSize, perGroupMin, capacity, meter) {
  const lists = new Map(); // each distinct candidate list built once
  const load = new Map();
  const teams = new Map();
  for (const visit of yield* visitOrder(seed, frame.needs.keys(), meter)) {
    const needs = JSON.stringify(Array.from(frame.needs.get(visit)).sort((a, b) => cmpStr(a[0], b[0]))
      .map(([group, needed]) => [group, Array.from(needed).sort(cmpStr)]));
    if (!lists.has(needs)) lists.set(needs, candidatesOf(frame, visit));
    const order = new VisitOrder(seed, visit, lists.get(needs), meter);
    const team = yield* pickTeamV2(frame, visit, order, load, capacity, teamSize, perGroupMin, meter);
    for (const member of team) load.set("s" + member, (load.get("s" + member) || 0) + 1);
    teams.set(visit, team);
    meter.done++;
    if (meter.due()) yield TICK;
  }
  return teams;
}

// ---------------------------------------------------------------- replacements (versions.py)

/** Who replaces ``out`` on ``visit``, by the proof's own version, given the teams as they stand
 * after the earlier replacements (``history``); ValueError or DrawFailed when there is none. */
export function replacementFor(proof, history, visit, out, meter) {
  const teams = new Map(); // inspectors.current_teams
  for (const [v, team] of pyItems(proof.get("teams"))) teams.set(v, pyIter(team).slice());
  for (const record of history) {
    const team = pyIndex(teams, pyIndex(record, "visit"));
    const incoming = pyIndex(record, "in");
    const leaving = pyIndex(record, "out");
    const at = team.findIndex((member) => pyEq(member, leaving));
    if (at < 0) throw valueError(`${pyStr(leaving)} is not in list`);
    team[at] = incoming;
  }
  const frame = parseFrame(pyIter(proof.get("frame_lines")));
  const team = pyIndex(teams, visit);
  if (!pyIn(out, team)) throw valueError(`${pyStr(out)} is not on the team of visit ${pyStr(visit)}`);
  const load = new Map();
  for (const members of teams.values()) {
    for (const member of members) load.set(hashKey(member), (load.get(hashKey(member)) || 0) + 1);
  }
  const taken = new Set(team.map(hashKey));
  for (const record of history) {
    if (pyEq(pyIndex(record, "visit"), visit)) taken.add(hashKey(pyIndex(record, "out")));
  }
  const capacity = pyGet(proof, "capacity");
  const v2 = pyIn(pyGet(proof, "algorithm"), SHUFFLED); // versions 2 and 3: the shuffle
  const v1Candidates = v2 ? null : eligibleV1(frame, visit, load, capacity).filter((i) => !taken.has("s" + i));
  const groupOf = (member) => (isStr(hashable(member)) && frame.groupOf.has(member) ? frame.groupOf.get(member) : null);
  const group = groupOf(out);
  const remaining = team.filter((member) => !pyEq(member, out) && pyEq(groupOf(member), group)).length;
  const ownGroupOnly = pyLt(remaining, pyGet(proof, "per_group_min", 0));
  const seed = fromHex(proof.get("seed"));
  if (v2) {
    const recused = frame.recused.get(visit) || EMPTY_SET;
    const order = new VisitOrder(seed, visit, candidatesOf(frame, visit), meter);
    for (let p = 0, inspector; (inspector = order.get(p)) !== undefined; p++) {
      const eligible = !taken.has("s" + inspector) && !recused.has(inspector) && underCapacity(load, inspector, capacity);
      if (eligible && (!ownGroupOnly || frame.groupOf.get(inspector) === group)) return inspector;
    }
  } else {
    const candidates = ownGroupOnly ? v1Candidates.filter((i) => frame.groupOf.get(i) === group) : v1Candidates;
    const key = rankKeys(seed, `inspector|${pyStr(visit)}|`, meter);
    const ranked = candidates.map((i) => entry(key(utf8(i)), i)).sort(cmpEntry);
    if (ranked.length) return ranked[0].id;
  }
  throw new DrawFailed(`visit ${pyStr(visit)}: no eligible inspector left to replace ${pyStr(out)}`);
}
