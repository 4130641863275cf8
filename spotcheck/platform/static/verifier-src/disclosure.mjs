// What a blinded draw discloses to whom (盲化抽取的核验, DRAW-SPEC "Blinded draws, version 3") as
// spotcheck/draw/disclosure.py checks it: the holder's check (--own ID SALT: a business checks its own
// row with the salt given to it alone) and the bureau's check (--key KEY --clear FILE: the supervising
// bureau, given the key and the clear frame, checks every row). Each comes after the public check
// (verify-draw.mjs) and adds its own, with the same names, order and verdicts as the Python.
import { sha256 } from "@noble/hashes/sha2.js";

import { H, TICK, V3, checkField, linesDigest } from "./primitives.mjs";
import {
  PyError, cmpStr, fromHex, hashKey, isDict, isStr, pyContains, pyEq, pyGet, pyHead, pyIn, pyIndex,
  pyIndexOf, pyIter, pyJoin, pyReversed, pySorted, pyStr, pyUnpack, toHex, typeError, typeName, utf8, valueError,
} from "./python.mjs";
import { cmpEntry, entry, rankKeys } from "./ranking.mjs";

const check = (name, ok, detail = "") => ({ name, ok: Boolean(ok), detail });
const errorText = (error) => (error instanceof PyError ? `${error.type}: ${error.message}` : `${error.name}: ${error.message}`);

/** What a holder's check says of each status (disclosure.SELECTED, NOT_DRAWN). */
export const SELECTED = "selected";
export const NOT_DRAWN = "not drawn";

const NOT_BLINDED = "the proof is a blinded draw (spotcheck-draw/3)";

/** Whether the holder's or the bureau's check applies: a version 3 proof, not redacted. */
const blinded = (proof) => isDict(proof) && pyEq(pyGet(proof, "algorithm"), V3) && !proof.has("redacted");

function notBlinded(proof, publicChecks) {
  return [...publicChecks, check(NOT_BLINDED, false, pyStr(isDict(proof) ? pyGet(proof, "algorithm") : null))];
}

// ---------------------------------------------------------------- tokens (blinding.py)

function wordsToBytes(words) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = words[i] >>> 24;
    out[4 * i + 1] = words[i] >>> 16;
    out[4 * i + 2] = words[i] >>> 8;
    out[4 * i + 3] = words[i];
  }
  return out;
}

/** token(x) = hex(H(salt ‖ x)) from the holder's salt (blinding.token_of). */
export function tokenOf(salt, identifier) {
  const id = utf8(identifier);
  const message = new Uint8Array(salt.length + id.length);
  message.set(salt);
  message.set(id, salt.length);
  return toHex(H(message));
}

/** [token(x) for x in ids] as blinding.tokens makes them: the ids joined by newlines and split again (so an id
 * holding a newline gives more tokens than ids, which the caller's zip refuses), and the single empty id left
 * as the empty string. */
function* tokens(blindKey, kind, ids, meter) {
  if (!ids.length) return [];
  const joined = pyJoin("\n", ids);
  utf8(joined); // UnicodeEncodeError, as "\n".join(ids).encode()
  if (joined === "") return [""];
  const salt = rankKeys(blindKey, `salt|${kind}|`, meter);
  const out = [];
  for (const id of joined.split("\n")) {
    const bytes = utf8(id);
    const message = new Uint8Array(32 + bytes.length);
    message.set(wordsToBytes(salt(bytes)));
    message.set(bytes, 32);
    out.push(toHex(sha256(message)));
    if (meter.due()) yield TICK;
  }
  return out;
}

/** zip(a, b, strict=True)'s refusal. */
function sameLength(a, b) {
  if (a.length !== b.length) {
    throw valueError(`zip() argument 2 is ${b.length > a.length ? "longer" : "shorter"} than argument 1`);
  }
}

// ---------------------------------------------------------------- the holder's check

/** The holder's rows of a target draw: per cell holding the token {group, stratum, rank, of, status}. */
function* ownTargetRows(proof, token, meter) {
  const cells = new Map(); // (group, stratum) -> {group, stratum, ids}, as a dict keyed by the tuple
  for (const row of pyIter(pyIndex(proof, "frame"))) {
    const [group, stratum, entity] = pyUnpack(row, 3);
    const key = JSON.stringify([hashKey(group), hashKey(stratum)]);
    if (!cells.has(key)) cells.set(key, { group, stratum, ids: [] });
    cells.get(key).ids.push(entity);
  }
  const key = rankKeys(fromHex(pyIndex(proof, "seed")), "target|", meter);
  const keyOf = (entity) => {
    if (!isStr(entity)) throw new PyError("AttributeError", `'${typeName(entity)}' object has no attribute 'encode'`);
    return key(entity);
  };
  // sorted(cells.items()): by (group, stratum), as Python orders them (TypeError where it cannot)
  const order = pySorted(Array.from(cells.values(), (cell) => [cell.group, cell.stratum]));
  const sorted = order.map(([group, stratum]) => cells.get(JSON.stringify([hashKey(group), hashKey(stratum)])));
  const rows = [];
  for (const { group, stratum, ids } of sorted) {
    if (!pyIn(token, ids)) continue;
    const mine = entry(keyOf(token), token);
    let rank = 1;
    for (const entity of ids) {
      if (cmpEntry(entry(keyOf(entity), entity), mine) < 0) rank++;
      if (meter.due()) yield TICK;
    }
    rows.push({ group, stratum, rank, of: ids.length, status: status(proof, group, stratum, token) });
  }
  return rows;
}

/** Where the token stands after the replacements: the last one that names it says (brought in, then replaced
 * out again: replaced out). */
function status(proof, group, stratum, token) {
  for (const record of pyReversed(pyIndex(proof, "replacements"))) {
    const cell = [pyIndex(record, "group"), pyIndex(record, "stratum")];
    if (!pyEq(cell, [group, stratum])) continue;
    if (pyEq(pyIndex(record, "out"), token)) return `replaced out: ${pyStr(pyIndex(record, "reason"))}`;
    if (pyEq(pyIndex(record, "in"), token)) return `brought in, replacing ${pyStr(pyIndex(record, "out"))}`;
  }
  if (pyContains(pyGet(pyGet(pyIndex(proof, "selected"), group, new Map()), stratum, []), token)) return SELECTED;
  const reserve = pyGet(pyGet(pyIndex(proof, "reserves"), group, new Map()), stratum, []);
  if (pyContains(reserve, token)) return `reserve ${pyIndexOf(reserve, token) + 1}`;
  return NOT_DRAWN;
}

/** The holder's visit of an inspector draw: its V and X lines, its team as drawn, its replacements; or null. */
function ownVisit(proof, token) {
  const lines = [];
  for (const line of pyIter(pyIndex(proof, "frame_lines"))) {
    const head = pyHead(line, 2);
    if ((head === "V\t" || head === "X\t") && line.split("\t")[1] === token) lines.push(line);
  }
  if (!lines.length) return null;
  const team = pyIter(pyGet(pyIndex(proof, "teams"), token, [])).slice();
  const replacements = pyIter(pyIndex(proof, "replacements")).filter((record) => pyEq(pyIndex(record, "visit"), token));
  return { lines, team, replacements };
}

/** The holder's check (disclosure.own_checks): the public check, then the token's rows; its last check holds
 * only when the token is in the draw. Returns the whole list. */
export function* ownChecks(proof, publicChecks, { id, salt: saltHex }, meter) {
  if (!blinded(proof)) return notBlinded(proof, publicChecks);
  const extra = [];
  try {
    const salt = fromHex(saltHex);
    if (salt.length !== 32) throw valueError("the salt is not 32 bytes");
    if (!isStr(id)) throw new PyError("AttributeError", `'${typeName(id)}' object has no attribute 'encode'`);
    const token = tokenOf(salt, id);
    let found;
    if (pyEq(pyIndex(proof, "kind"), "targets")) {
      const rows = yield* ownTargetRows(proof, token, meter);
      found = rows.length ? rows : null;
    } else {
      found = ownVisit(proof, token);
    }
    extra.push(check(`the holder's token ${token} is in the draw`, found !== null));
    if (Array.isArray(found)) {
      for (const row of found) {
        extra.push(check(`own ${pyStr(row.group)}/${pyStr(row.stratum)}: rank ${row.rank} of ${row.of}: ${row.status}`, true));
      }
    } else if (found !== null) {
      for (const line of found.lines) extra.push(check(`own line: ${line}`, true));
      extra.push(check(`own team as drawn: ${pyJoin(", ", found.team)}`, true));
      for (const record of found.replacements) {
        extra.push(check(`own replacement: ${pyStr(pyIndex(record, "out"))} → ${pyStr(pyIndex(record, "in"))}: `
          + pyStr(pyIndex(record, "reason")), true));
      }
    }
  } catch (error) {
    // disclosure.py catches KeyError, TypeError, ValueError and AttributeError while it reads the rows; the
    // few errors it meets only afterwards (a team member not a string, a replacement without a reason) stop
    // the Python with a traceback. Both are a failed check here.
    return [...publicChecks, check("the holder's salt and id can be read", false, errorText(error))];
  }
  return [...publicChecks, ...extra];
}

// ---------------------------------------------------------------- the bureau's check

/** The frame digest of the clear file's frame blinded with the key (disclosure.clear_digest). */
function* clearDigest(proof, blindKey, clear, meter) {
  if (pyEq(pyIndex(proof, "kind"), "targets")) {
    const rows = pyIndex(clear, "frame");
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row) || row.length !== 3)) {
      throw valueError("a clear frame row is not [group, stratum, id]");
    }
    const blinded = yield* tokens(blindKey, "targets", rows.map((row) => row[2]), meter);
    sameLength(rows, blinded);
    const triples = rows.map(([group, stratum], at) => [group, stratum, blinded[at]]);
    const strings = triples.every(([group, stratum]) => isStr(group) && isStr(stratum));
    const sorted = strings
      ? triples.sort((a, b) => cmpStr(a[0], b[0]) || cmpStr(a[1], b[1]) || cmpStr(a[2], b[2]))
      : pySorted(triples);
    const hash = sha256.create();
    for (const [group, stratum, token] of sorted) hash.update(utf8(`${pyStr(group)}\t${pyStr(stratum)}\t${token}\n`));
    return hash.digest();
  }
  const lines = pyIndex(clear, "frame_lines");
  if (!Array.isArray(lines) || !lines.every(isStr)) throw valueError("clear frame_lines is not a list of strings");
  const visits = Array.from(new Set(lines.filter((line) => line.startsWith("V\t") || line.startsWith("X\t"))
    .map((line) => line.split("\t")[1]))).sort(cmpStr);
  const blinded = yield* tokens(blindKey, "inspectors", visits, meter);
  sameLength(visits, blinded);
  const byVisit = new Map(visits.map((visit, at) => [visit, blinded[at]]));
  const out = lines.map((line) => {
    const parts = line.split("\t");
    if (parts[0] === "V" || parts[0] === "X") {
      // a line "V" or "X" alone: IndexError, which stops disclosure.py with a traceback; a failed check here
      if (parts.length < 2) throw new PyError("IndexError", "list index out of range");
      parts[1] = byVisit.get(checkField(parts[1], "visit"));
    }
    return parts.join("\t");
  });
  return linesDigest(out.sort(cmpStr));
}

/** The bureau's check (disclosure.bureau_checks, nothing published to compare the exclusions with): the public
 * check, then H(KEY) = blind_commitment, the clear frame blinded with the key giving the frame digest, and (a
 * target draw) the exclusions per reason. ``clear`` is the clear file as parsed JSON. Returns the whole list. */
export function* bureauChecks(proof, publicChecks, { key: keyHex, clear }, meter) {
  if (!blinded(proof)) return notBlinded(proof, publicChecks);
  const checks = publicChecks.slice();
  try {
    const key = fromHex(keyHex);
    if (key.length !== 32) throw valueError("the key is not 32 bytes");
    if (!isDict(clear)) throw typeError("the clear file is not a JSON object");
    checks.push(check("H(key) = blind_commitment", pyEq(toHex(H(key)), pyIndex(proof, "blind_commitment"))));
    const digest = yield* clearDigest(proof, key, clear, meter);
    checks.push(check("the clear frame blinded with the key gives the frame digest", pyEq(toHex(digest), pyIndex(proof, "frame_digest"))));
    if (pyEq(pyIndex(proof, "kind"), "targets")) {
      const excluded = pyGet(clear, "excluded", []);
      if (!Array.isArray(excluded) || excluded.some((row) => !Array.isArray(row) || row.length !== 2 || !row.every(isStr))) {
        throw valueError("excluded is not a list of [id, reason]");
      }
      const counted = new Map();
      for (const [, reason] of excluded) counted.set(reason, (counted.get(reason) || 0) + 1);
      for (const reason of Array.from(counted.keys()).sort(cmpStr)) {
        checks.push(check(`excluded before the freeze: ${reason}: ${counted.get(reason)}`, true));
      }
    }
  } catch (error) {
    checks.push(check("the key and the clear file can be read", false, errorText(error)));
  }
  return checks;
}
