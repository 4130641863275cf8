// The target draw of DRAW-SPEC (随机抽取检查对象, spotcheck/draw/targets.py) as the verifier replays
// it: the frame's cells and digest, each cell's size by its rule, the ranking, and replacements.
import { sha256 } from "@noble/hashes/sha2.js";

import { TICK } from "./primitives.mjs";
import { cmpStr, hashKey, pyEq, pyIndex, pyItems, pyIter, pyRepr, pyStr, utf8, valueError } from "./python.mjs";
import { Smallest, entry, rankKeys } from "./ranking.mjs";

export const byCell = (a, b) => cmpStr(a.group, b.group) || cmpStr(a.stratum, b.stratum);

/** The frame's rows (group, stratum, id: strings) as cells {group, stratum, ids} sorted by (group,
 * stratum), each cell's ids sorted by code point, repeats kept (targets.frame_columns). */
export function sortedCells(rows) {
  const groups = new Map();
  for (const [group, stratum, id] of rows) {
    let strata = groups.get(group);
    if (strata === undefined) groups.set(group, (strata = new Map()));
    let ids = strata.get(stratum);
    if (ids === undefined) strata.set(stratum, (ids = []));
    ids.push(id);
  }
  const out = [];
  for (const [group, strata] of groups) {
    for (const [stratum, ids] of strata) out.push({ group, stratum, ids: ids.sort(cmpStr) });
  }
  return out.sort(byCell);
}

/** No id of a cell's sorted ids repeats. */
export const distinct = (ids) => ids.every((id, at) => at === 0 || ids[at - 1] !== id);

/** H over the sorted cells' rows, each group\tstratum\tid\n. */
export function frameDigest(cells) {
  const hash = sha256.create();
  for (const { group, stratum, ids } of cells) {
    const prefix = `${group}\t${stratum}\t`;
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
  throw valueError(`a rule is {'count': c} or {'ratio_bp': r, 'min': m} with whole numbers ≥ 0, not ${pyRepr(rule)}`);
}

/** The cell's ids in rank order (K(id), id), only the first ``keep``. */
export function* rankCell(seed, ids, keep, meter) {
  const key = rankKeys(seed, "target|", meter);
  const best = new Smallest(keep);
  const scratch = new Uint32Array(8);
  for (const id of ids) {
    key(id, scratch);
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
