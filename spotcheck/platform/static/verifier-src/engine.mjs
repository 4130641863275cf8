// The draw engine of DRAW-SPEC (spotcheck/draw/*.py), as the verifier replays it: the primitives,
// the target draw (随机抽取检查对象) and both inspector draws (随机选派检查人员, versions 1 and 2),
// with the replacements of each. Long loops are generators that yield TICK every few thousand
// hashes so that a browser can let the page breathe; a Meter counts the hashes.
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

import {
  PyError, cmpStr, fromHex, hashKey, hashable, isStr, keyError, pyEq, pyGe, pyGet, pyIn, pyIndex, pyItems,
  pyIter, pyLt, pyRepr, pySliceTo, pyStr, pyTruth, typeName, utf8, valueError,
} from "./python.mjs";

export const V1 = "spotcheck-draw/1";
export const V2 = "spotcheck-draw/2";
export const TICK = Symbol("tick");
const TICK_EVERY = 2048;

/** A draw cannot be formed (inspectors.DrawFailed); the message names the visit and what is missing. */
export class DrawFailed extends Error {}

export class Meter {
  constructor() {
    this.hashes = 0;
    this.next = TICK_EVERY;
    this.done = 0;
    this.total = 0;
  }

  /** Whether it is time to yield TICK (every TICK_EVERY hashes). */
  due() {
    if (this.hashes < this.next) return false;
    this.next = this.hashes + TICK_EVERY;
    return true;
  }
}

// ---------------------------------------------------------------- primitives (primitives.py)

export const H = (bytes) => sha256(bytes);
const NEWLINE = Uint8Array.of(10);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** seed = HMAC(nonce, algorithm|kind|campaign| ‖ frame_digest ‖ H("\n".join(inputs))) */
export function deriveSeed(nonce, kind, campaign, frameDigest, publicInputs, algorithm) {
  const prefix = utf8(`${algorithm}|${kind}|${pyStr(campaign)}|`);
  return hmac(sha256, nonce, concat(prefix, frameDigest, H(utf8(publicInputs.join("\n")))));
}

/** H of the lines, each followed by "\n". */
export function linesDigest(lines) {
  const hash = sha256.create();
  for (const line of lines) hash.update(utf8(line)).update(NEWLINE);
  return hash.digest();
}

// The rankings are nearly all of a draw's cost (16 million HMACs for 10,000 visits from a pool of
// 1,632 in version 1): HMAC(seed, prefix ‖ x) is computed here from SHA-256 states keyed once per
// (seed, prefix) — the inner state after the key's block and the prefix's whole blocks, the outer
// state after its key block — so that each x costs two compressions and no allocation but its key.
// H, the seed and the digests use @noble/hashes; the tests check both against the known answers.
const ROUND = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const SCHEDULE = new Int32Array(64);

/** SHA-256's compression into ``state`` (8 words) of the block whose 16 words are w[0..15]; w has 64. */
function compress(state, w) {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0] | 0, b = state[1] | 0, c = state[2] | 0, d = state[3] | 0;
  let e = state[4] | 0, f = state[5] | 0, g = state[6] | 0, h = state[7] | 0;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + ROUND[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

/** The 64 bytes of ``bytes`` at ``at`` as the first 16 words of SCHEDULE. */
function load(bytes, at) {
  const w = SCHEDULE;
  for (let i = 0; i < 16; i++, at += 4) w[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  return w;
}

/** x -> HMAC(seed, prefix ‖ x) for x in UTF-8 bytes, as 8 big-endian words (compared as words, the
 * same order as the 32 bytes); written into ``into`` when given, else into a new array. */
export function rankKeys(seed, prefix, meter) {
  const key = new Uint8Array(64);
  key.set(seed.length > 64 ? H(seed) : seed);
  const inner = INITIAL.slice();
  compress(inner, load(key.map((x) => x ^ 0x36), 0));
  const outer = INITIAL.slice();
  compress(outer, load(key.map((x) => x ^ 0x5c), 0));
  const head = utf8(prefix);
  const whole = head.length - (head.length % 64);
  for (let at = 0; at < whole; at += 64) compress(inner, load(head, at));
  const tail = head.subarray(whole);
  let scratch = new Uint8Array(128);
  const state = new Uint32Array(8);
  return (bytes, into) => {
    const length = tail.length + bytes.length;
    const end = ((length + 9 + 63) >> 6) * 64;
    if (scratch.length < end) scratch = new Uint8Array(end);
    scratch.set(tail, 0);
    scratch.set(bytes, tail.length);
    scratch[length] = 0x80;
    scratch.fill(0, length + 1, end - 5);
    const bits = (64 + whole + length) * 8;
    scratch[end - 5] = bits / 2 ** 32; // fewer than 2^40 bits
    scratch[end - 4] = bits >>> 24;
    scratch[end - 3] = bits >>> 16;
    scratch[end - 2] = bits >>> 8;
    scratch[end - 1] = bits;
    state.set(inner);
    for (let at = 0; at < end; at += 64) compress(state, load(scratch, at));
    const w = SCHEDULE; // the outer block: the inner digest, then its padding ((64 + 32) × 8 bits)
    for (let i = 0; i < 8; i++) w[i] = state[i];
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = 768;
    const out = into || new Uint32Array(8);
    out.set(outer);
    compress(out, w);
    meter.hashes++;
    return out;
  };
}

/** A ranked candidate: its key and its id. */
const entry = (key, id) => ({ key, head: key[0], id });

/** (key, id) ascending: the key as bytes (as big-endian words), ties by id (code points). */
function cmpEntry(a, b) {
  if (a.head !== b.head) return a.head < b.head ? -1 : 1;
  for (let k = 1; k < 8; k++) {
    if (a.key[k] !== b.key[k]) return a.key[k] < b.key[k] ? -1 : 1;
  }
  return cmpStr(a.id, b.id);
}

/** The ``keep`` smallest entries of a stream, in order (heapq.nsmallest): a bounded max-heap. */
class Smallest {
  constructor(keep) {
    this.keep = keep;
    this.heap = [];
  }

  /** Whether (key, id) would be kept: most keys of a long ranking are not, and are never stored. */
  wants(key, id) {
    const heap = this.heap;
    if (heap.length < this.keep) return true;
    if (!heap.length) return false;
    const top = heap[0];
    if (key[0] !== top.head) return key[0] < top.head;
    return cmpEntry({ key, head: key[0], id }, top) < 0;
  }

  push(item) {
    const heap = this.heap;
    if (heap.length < this.keep) {
      heap.push(item);
      for (let k = heap.length - 1; k > 0;) {
        const parent = (k - 1) >> 1;
        if (cmpEntry(heap[k], heap[parent]) <= 0) break;
        [heap[k], heap[parent]] = [heap[parent], heap[k]];
        k = parent;
      }
    } else if (heap.length && cmpEntry(item, heap[0]) < 0) {
      heap[0] = item;
      for (let k = 0; ;) {
        const left = 2 * k + 1;
        const right = left + 1;
        let top = k;
        if (left < heap.length && cmpEntry(heap[left], heap[top]) > 0) top = left;
        if (right < heap.length && cmpEntry(heap[right], heap[top]) > 0) top = right;
        if (top === k) break;
        [heap[k], heap[top]] = [heap[top], heap[k]];
        k = top;
      }
    }
  }

  sorted() {
    return this.heap.slice().sort(cmpEntry);
  }
}

export function checkField(value, what) {
  if (!isStr(value) || !value || /[\t\n|]/.test(value)) {
    throw valueError(`${what} ${pyStr(value)} is empty or contains a tab, a newline or '|'`);
  }
  return value;
}

// ---------------------------------------------------------------- target draw (targets.py)

/** The frame's rows (group, stratum, id) by cell, in the order cells first appear. */
export function cells(rows) {
  const grouped = new Map();
  for (const [group, stratum, id] of rows) {
    const key = JSON.stringify([group, stratum]);
    if (!grouped.has(key)) grouped.set(key, { group, stratum, ids: [] });
    grouped.get(key).ids.push(id);
  }
  return grouped;
}

export const byCell = (a, b) => cmpStr(a.group, b.group) || cmpStr(a.stratum, b.stratum);

/** H over the rows sorted by (group, stratum, id), each group\tstratum\tid\n. */
export function frameDigest(rows) {
  const hash = sha256.create();
  for (const cell of Array.from(cells(rows).values()).sort(byCell)) {
    const prefix = `${cell.group}\t${cell.stratum}\t`;
    const ids = cell.ids.slice().sort(cmpStr);
    hash.update(utf8(prefix + ids.join("\n" + prefix) + "\n"));
  }
  return hash.digest();
}

/** How many to select from a cell: {count: c} or {ratio_bp: r, min: m}, whole numbers ≥ 0. */
export function cellSize(rule, population) {
  const keys = new Set(pyIter(rule).map(hashKey));
  const exactly = (...names) => keys.size === names.length && names.every((name) => keys.has("s" + name));
  const whole = (x) => (typeof x === "number" || typeof x === "bigint") && x >= 0;
  if (exactly("count")) {
    const count = pyIndex(rule, "count");
    if (whole(count)) return count < population ? Number(count) : population;
  }
  if (exactly("ratio_bp", "min")) {
    const ratio = pyIndex(rule, "ratio_bp");
    if (whole(ratio)) {
      const least = pyIndex(rule, "min");
      if (whole(least)) {
        const share = (BigInt(ratio) * BigInt(population) + 9999n) / 10000n;
        const wanted = share > BigInt(least) ? share : BigInt(least);
        return wanted < BigInt(population) ? Number(wanted) : population;
      }
    }
  }
  throw valueError(`a rule is {'count': c} or {'ratio_bp': r, 'min': m} with whole numbers ≥ 0, not ${pyStr(rule)}`);
}

/** The cell's ids in rank order (K(id), id), only the first ``keep``. */
export function* rankCell(seed, ids, keep, meter) {
  const key = rankKeys(seed, "target|", meter);
  const best = new Smallest(keep);
  const scratch = new Uint32Array(8);
  for (const id of ids) {
    key(utf8(id), scratch);
    if (best.wants(scratch, id)) best.push(entry(scratch.slice(), id));
    meter.done++;
    if (meter.due()) yield TICK;
  }
  return best.sorted().map((e) => e.id);
}

/** The selection after the replacements so far (targets.current_selection). */
export function currentSelection(selected, replayed) {
  const chosen = new Map();
  for (const [group, strata] of pyItems(selected)) {
    const inner = new Map();
    for (const [stratum, ids] of pyItems(strata)) inner.set(stratum, pyIter(ids).slice());
    chosen.set(group, inner);
  }
  for (const record of replayed) {
    const ids = pyIndex(pyIndex(chosen, pyIndex(record, "group")), pyIndex(record, "stratum"));
    const incoming = pyIndex(record, "in");
    const out = pyIndex(record, "out");
    const at = ids.findIndex((id) => pyEq(id, out));
    if (at < 0) throw valueError(`${pyStr(out)} is not in list`);
    ids[at] = incoming;
  }
  return chosen;
}

/** The first reserve id of the cell not yet used by a replacement (targets.next_reserve). */
export function nextReserve(reserves, replayed, group, stratum) {
  const used = [];
  for (const record of replayed) {
    if (pyEq(pyIndex(record, "group"), group) && pyEq(pyIndex(record, "stratum"), stratum)) {
      used.push(hashKey(pyIndex(record, "in")));
    }
  }
  for (const id of pyIter(pyIndex(pyIndex(reserves, group), stratum))) {
    if (!used.includes(hashKey(id))) return id;
  }
  return null;
}

// ---------------------------------------------------------------- inspector frame (inspectors.py)

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
  const draw = algorithm === V2 ? drawTeamsV2 : drawTeamsV1;
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
  const v2 = pyEq(pyGet(proof, "algorithm"), V2);
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
