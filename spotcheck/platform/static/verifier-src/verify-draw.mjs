// The draw-proof verifier (抽取证明验证) that runs in the citizen's own browser and under Node.
//
// The same checks, in the same order and with the same verdicts, as spotcheck/draw/verify.py (and
// `spotcheck draw verify`), from the proof alone: H(nonce) = commitment, the frame digest, the seed,
// every selection, reserve, team and replacement (DRAW-SPEC.md), for spotcheck-draw/1, /2 and /3
// (blinded draws, and redacted proofs); with the holder's salt or the bureau's key and clear file, the
// checks of spotcheck/draw/disclosure.py after them (disclosure.mjs). A malformed proof gives a failed
// check, never an exception. Built into one file, spotcheck/platform/static/spotcheck-verify.js:
//
//   browser: SpotcheckVerify.verify(proofTextOrObject, {onProgress, own: {id, salt}, bureau: {key, clear}})
//            -> Promise of [{name, label, ok, detail}], label in Chinese; it yields to the page as it goes.
//   Node:    node spotcheck-verify.js PROOF.json [--own ID SALT | --key KEY --clear FILE] [--json]
//            exit 0 all hold, 1 one fails, 2 unreadable.
import { bureauChecks, ownChecks } from "./disclosure.mjs";
import { DrawFailed, redrawInspectors, replacementFor } from "./inspectors.mjs";
import { H, Meter, TICK, V1, V2, V3, deriveSeed, isToken, linesDigest } from "./primitives.mjs";
import {
  PyError, PyFloat, cmpStr, fromHex, hashKey, hashable, isDict, isInt, isStr, num, pyEq, pyGet,
  pyIn, pyIndex, pyItems, pyIter, pyLt, pyRepr, pyStr, pyTruth, pyValues, toHex, typeError, typeName, valueError,
} from "./python.mjs";
import { fromJS, parseJSON } from "./python-json.mjs";
import { cellSize, currentSelection, distinct, frameDigest, nextReserve, rankCell, sortedCells } from "./targets.mjs";

export const VERSION = "spotcheck-verify.js 1";

// ---------------------------------------------------------------- the checks (verify.py)

const COMMON = ["algorithm", "kind", "campaign", "commitment", "nonce", "frame_digest", "public_inputs", "seed", "replacements"];
const FIELDS = new Map([
  ["targets", [...COMMON, "frame", "rules", "reserve_size", "selected", "reserves"]],
  ["inspectors", [...COMMON, "frame_lines", "team_size", "per_group_min", "capacity", "teams"]],
]);
const OPTIONAL = ["committed_at", "frozen_at", "drawn_at"];
/** The fields of a redacted proof (DRAW-SPEC "A redacted proof"): a version 1 or 2 proof withdrawn from view. */
const REDACTED_FIELDS = ["algorithm", "kind", "campaign", "redacted", "original_sha256", "commitment", "nonce",
  "frame_digest", "public_inputs", "seed", "counts"];
/** The versions of each kind a proof may have. */
const KNOWN = new Map([["targets", [V1, V3]], ["inspectors", [V1, V2, V3]]]);
const VALUE_ERRORS = new Set(["ValueError", "UnicodeEncodeError"]);

const check = (name, ok, detail = "") => ({ name, ok: Boolean(ok), detail });

/** The check that the proof has exactly ``fields`` (and perhaps the timestamps), and whether none is missing. */
function fieldsCheck(proof, fields, name) {
  const missing = fields.filter((field) => !proof.has(field)).sort(cmpStr);
  const unknown = Array.from(proof.keys()).filter((field) => !fields.includes(field) && !OPTIONAL.includes(field)).sort(cmpStr);
  return [check(name, !missing.length && !unknown.length,
    [missing.length && `missing ${pyRepr(missing)}`, unknown.length && `unknown ${pyRepr(unknown)}`].filter(Boolean).join("; ")),
  !missing.length];
}

function* checks(proof, meter) {
  if (!isDict(proof)) throw typeError("the proof is not a JSON object");
  const kind = hashable(pyGet(proof, "kind"));
  const algorithm = pyGet(proof, "algorithm");
  if (!(isStr(kind) && FIELDS.has(kind))) {
    yield check("kind is targets or inspectors", false, pyRepr(kind));
    return;
  }
  const redacted = proof.has("redacted");
  const known = redacted ? KNOWN.get(kind).filter((version) => version !== V3) : KNOWN.get(kind);
  const knownAlgorithm = pyIn(algorithm, known);
  yield check(`algorithm is ${knownAlgorithm ? algorithm : known.join(" or ")}`, knownAlgorithm, pyStr(algorithm));
  if (!knownAlgorithm) return;
  if (redacted) {
    yield* redactedChecks(proof);
    return;
  }
  const blinded = algorithm === V3;
  const [fields, complete] = fieldsCheck(proof, blinded ? [...FIELDS.get(kind), "blind_commitment"] : FIELDS.get(kind),
    "the proof has exactly the fields of its kind");
  yield fields;
  if (!complete) return;
  const nonce = fromHex(proof.get("nonce"));
  if (nonce.length !== 32) throw valueError("the nonce is not 32 bytes");
  yield check("H(nonce) = commitment", pyEq(toHex(H(nonce)), proof.get("commitment")));
  if (blinded) {
    const blind = proof.get("blind_commitment");
    yield check("blind_commitment is 64 hex characters and differs from commitment",
      isToken(blind) && !pyEq(blind, proof.get("commitment")));
  }
  let digest;
  let cells;
  let rows = 0;
  const linesField = proof.get("frame_lines");
  if (kind === "targets") {
    const frame = frameRows(proof.get("frame"));
    rows = frame.length;
    cells = sortedCells(frame);
    digest = frameDigest(cells);
    yield check("frame rows are distinct", cells.every(({ ids }) => distinct(ids)));
  } else {
    const lines = pyIter(linesField);
    if (!lines.every(isStr)) throw valueError("a frame line is not a string");
    digest = linesDigest(lines);
    const sorted = Array.from(new Set(lines)).sort(cmpStr);
    yield check("frame lines are sorted and distinct", pyEq(linesField, sorted));
  }
  yield check("frame digest", pyEq(toHex(digest), proof.get("frame_digest")));
  const inputs = proof.get("public_inputs");
  if (!Array.isArray(inputs) || !inputs.every(isStr)) throw valueError("public_inputs is not a list of strings");
  if (blinded) {
    const strays = notTokens(proof, kind === "targets" ? cells : null);
    yield check("every entity id is a token", !strays.length, strays.slice(0, 3).join(", "));
    yield check("public inputs are not empty", inputs.length > 0);
  }
  const seed = deriveSeed(nonce, kind, proof.get("campaign"), digest, inputs, algorithm);
  yield check(`seed = HMAC(nonce, ${algorithm}|kind|campaign|frame_digest ‖ I)`, pyEq(toHex(seed), proof.get("seed")));
  if (kind === "targets") yield* targetChecks(proof, seed, cells, rows, meter);
  else yield* inspectorChecks(proof, linesField, meter);
}

/** The ids of a version 3 proof that are not tokens (verify._not_tokens): targets' selected, reserves,
 * replacements' out/in, then the frame's ids (``cells``); inspectors' V and X lines' visits, the keys of
 * teams, replacements' visit. */
function notTokens(proof, cells) {
  const strays = [];
  // each id looked at as it comes: a frame of a million ids is never spread into a call's arguments
  const look = (id) => {
    if (!isToken(id)) strays.push(pyStr(id));
  };
  if (cells) {
    for (const field of ["selected", "reserves"]) {
      for (const strata of pyValues(proof.get(field))) {
        for (const cell of pyValues(strata)) pyIter(cell).forEach(look);
      }
    }
    for (const record of pyIter(proof.get("replacements"))) {
      look(pyIndex(record, "out"));
      look(pyIndex(record, "in"));
    }
    for (const { ids: frameIds } of cells) frameIds.forEach(look);
  } else {
    for (const line of pyIter(proof.get("frame_lines"))) {
      if (line.startsWith("V\t") || line.startsWith("X\t")) look(line.split("\t")[1]);
    }
    pyIter(proof.get("teams")).forEach(look);
    for (const record of pyIter(proof.get("replacements"))) look(pyIndex(record, "visit"));
  }
  return strays;
}

/** A redacted proof (verify._redacted_checks): H(nonce) = commitment and the seed; the rest is redacted. */
function* redactedChecks(proof) {
  const [fields, complete] = fieldsCheck(proof, REDACTED_FIELDS, "the proof has exactly the fields of a redacted proof");
  yield fields;
  if (!complete) return;
  const nonce = fromHex(proof.get("nonce"));
  if (nonce.length !== 32) throw valueError("the nonce is not 32 bytes");
  yield check("H(nonce) = commitment", pyEq(toHex(H(nonce)), proof.get("commitment")));
  const digest = fromHex(proof.get("frame_digest"));
  const inputs = proof.get("public_inputs");
  if (!Array.isArray(inputs) || !inputs.every(isStr)) throw valueError("public_inputs is not a list of strings");
  const algorithm = proof.get("algorithm");
  const seed = deriveSeed(nonce, proof.get("kind"), proof.get("campaign"), digest, inputs, algorithm);
  yield check(`seed = HMAC(nonce, ${pyStr(algorithm)}|kind|campaign|frame_digest ‖ I)`, pyEq(toHex(seed), proof.get("seed")));
  const original = proof.get("original_sha256");
  yield check(`redacted: the original proof's SHA-256 is ${pyStr(original)}`, proof.get("redacted") === true && isToken(original));
}

/** The frame's rows as target_frames.frame_columns reads them: a list of rows of three (lists, or strings of
 * three characters), read column by column, every field a string; ValueError or TypeError otherwise. */
function frameRows(field) {
  const refused = () => valueError("a frame row is not [group, stratum, id]");
  if (!Array.isArray(field)) throw refused();
  for (const row of field) {
    if (!(Array.isArray(row) || isStr(row) || isDict(row))) throw typeError(`object of type '${typeName(row)}' has no len()`);
    if ((isDict(row) ? row.size : pyIter(row).length) !== 3) throw refused();
  }
  if (field.some(isDict)) throw new PyError("KeyError", "0"); // itemgetter(0) of a dict
  const frame = field.map((row) => pyIter(row));
  for (let column = 0; column < 3; column++) {
    const at = frame.findIndex((row) => !isStr(row[column]));
    if (at >= 0) throw typeError(`sequence item ${at}: expected str instance, ${typeName(frame[at][column])} found`);
  }
  return frame;
}

/** ``sorted(listed ^ set(grouped))`` of (group, stratum) pairs: strata of one group must be comparable. */
function sortedPairs(pairs) {
  const kinds = new Map();
  for (const [group, stratum] of pairs) {
    const kind = stratum === null ? "None" : isStr(stratum) ? "str" : "number";
    if ((kinds.get(group) || kind) !== kind || (kind === "None" && kinds.has(group))) {
      throw typeError("'<' not supported between the strata of one group");
    }
    kinds.set(group, kind);
  }
  return pairs.sort(([g1, s1], [g2, s2]) => cmpStr(g1, g2) || (pyEq(s1, s2) ? 0 : pyLt(s1, s2) ? -1 : 1));
}

function* targetChecks(proof, seed, cells, rows, meter) {
  const reserveSize = proof.get("reserve_size");
  if (!isInt(reserveSize) || num(reserveSize) < 0) throw valueError("reserve_size is not a whole number");
  const listed = new Map();
  for (const field of ["selected", "reserves"]) {
    for (const [group, strata] of pyItems(proof.get(field))) {
      for (const stratum of pyIter(strata)) listed.set(JSON.stringify([group, hashKey(stratum)]), [group, stratum]);
    }
  }
  const frameCells = new Map(cells.map((cell) => [JSON.stringify([cell.group, "s" + cell.stratum]), cell]));
  const differ = [...Array.from(listed).filter(([key]) => !frameCells.has(key)).map(([, pair]) => pair),
    ...Array.from(frameCells).filter(([key]) => !listed.has(key)).map(([, cell]) => [cell.group, cell.stratum])];
  yield check("selection lists exactly the frame's cells", !differ.length,
    sortedPairs(differ).map(([group, stratum]) => `${group}/${pyStr(stratum)}`).join(", "));
  const rules = proof.get("rules");
  meter.total += rows;
  const size = Number(num(reserveSize));
  for (const { group, stratum, ids } of cells) {
    const n = cellSize(pyIndex(pyIndex(rules, group), stratum), ids.length);
    const ranked = yield* rankCell(seed, ids, n + size, meter);
    const selected = pyGet(pyGet(proof.get("selected"), group, new Map()), stratum);
    const reserve = pyGet(pyGet(proof.get("reserves"), group, new Map()), stratum);
    yield check(`selected ${group}/${stratum}: ${n} of ${ids.length}`, pyEq(selected, ranked.slice(0, n)));
    yield check(`reserve ${group}/${stratum}: ${ranked.length - n}`, pyEq(reserve, ranked.slice(n, n + size)));
  }
  const replayed = [];
  let number = 0;
  for (const record of pyIter(proof.get("replacements"))) {
    number++;
    const group = pyIndex(record, "group");
    const stratum = pyIndex(record, "stratum");
    const current = pyGet(pyGet(currentSelection(proof.get("selected"), replayed), group, new Map()), stratum, []);
    const expected = nextReserve(proof.get("reserves"), replayed, group, stratum);
    const ok = pyIn(pyIndex(record, "out"), current) && pyEq(pyIndex(record, "in"), expected) && pyTruth(pyGet(record, "reason"));
    yield check(`replacement ${number} in ${pyStr(group)}/${pyStr(stratum)}: ${pyStr(pyIndex(record, "out"))} → ${pyStr(pyIndex(record, "in"))}`,
      ok, ok ? "" : `expected the next unused reserve ${pyStr(expected)}`);
    replayed.push(record);
  }
}

function* inspectorChecks(proof, lines, meter) {
  let expected;
  try {
    expected = yield* redrawInspectors(proof.get("algorithm"), {
      campaign: proof.get("campaign"), nonce: fromHex(proof.get("nonce")), lines, teamSize: proof.get("team_size"),
      perGroupMin: proof.get("per_group_min"), capacity: proof.get("capacity"), publicInputs: proof.get("public_inputs"),
    }, meter);
  } catch (error) {
    if (!(error instanceof DrawFailed)) throw error;
    yield check("teams can be formed from the frame", false, error.message);
    return;
  }
  const teams = proof.get("teams");
  const listed = pyIter(teams);
  const keys = new Set(listed.map(hashKey));
  yield check("a team for every visit, no other", keys.size === expected.size && Array.from(expected.keys()).every((v) => keys.has("s" + v)));
  yield check("visits in draw order", pyEq(listed, Array.from(expected.keys())));
  for (const [visit, team] of expected) {
    yield check(`team ${visit}: ${team.join(", ")}`, pyEq(pyGet(teams, visit), team));
  }
  const history = [];
  let number = 0;
  for (const record of pyIter(proof.get("replacements"))) {
    number++;
    let incoming;
    try {
      incoming = replacementFor(proof, history, pyIndex(record, "visit"), pyIndex(record, "out"), meter);
    } catch (error) {
      if (!(error instanceof DrawFailed || (error instanceof PyError && VALUE_ERRORS.has(error.type)))) throw error;
      yield check(`replacement ${number} at ${pyStr(pyIndex(record, "visit"))}`, false, error.message);
      return;
    }
    const ok = pyEq(pyIndex(record, "in"), incoming) && pyTruth(pyGet(record, "reason"));
    yield check(`replacement ${number} at ${pyStr(pyIndex(record, "visit"))}: ${pyStr(pyIndex(record, "out"))} → ${pyStr(pyIndex(record, "in"))}`,
      ok, ok ? "" : `expected ${pyStr(incoming)}`);
    history.push(record);
    if (meter.due()) yield TICK;
  }
}

// ---------------------------------------------------------------- the checks in Chinese

const FLAGGED = "有特殊标记的对象（投诉举报、经营异常名录、严重违法失信、近期行政处罚）";

/** Python's ``\s`` (str.isspace()), which is not JavaScript's (no U+FEFF; U+001C–U+001F and U+0085 in it). */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/** A pattern of spotcheck/draw/wording.py, matched as Python's ``re.match`` matches it: from the start; ``.`` any
 * character but a newline; ``$`` the end or just before a final newline; ``\S`` and ``\d`` by Python's Unicode
 * classes. */
function pyPattern(source) {
  let out = "^";
  if (source.startsWith("^")) source = source.slice(1);
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      const next = source[++i];
      if (!inClass && next === "S") out += `[^${PY_SPACE}]`;
      else if (!inClass && next === "d") out += "\\p{Nd}";
      else out += c + next;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === ".") {
      out += "[^\\n]";
    } else if (c === "$") {
      out += "(?=\\n?$)";
    } else {
      out += c;
    }
  }
  return new RegExp(out, "u");
}

/** The same meanings as LABELS of spotcheck/draw/wording.py (the one-file verifier and ``python3 -m
 * spotcheck.draw verify`` print them), in the same order: the first whose pattern matches names the check. */
const LABELS = [
  [/^algorithm is (?<algorithm>spotcheck-draw\/[123])$/, (m) => `算法为 ${m.algorithm}`],
  [/^kind is targets or inspectors$/, () => "抽取类型为检查对象抽取或执法检查人员抽取"],
  [/^the proof has exactly the fields of its kind$/, () => "证明文件的字段完整且无多余字段"],
  [/^H\(nonce\) = commitment$/, () => "公开的秘密随机数与事先公布的承诺值一致"],
  [/^frame rows are distinct$/, () => "候选对象没有重复"],
  [/^frame lines are sorted and distinct$/, () => "抽取范围各行已排序且没有重复"],
  [/^frame digest$/, () => "候选名单与抽取前公布的抽取范围摘要一致"],
  [/^seed = HMAC/, () => "随机种子由秘密随机数、抽取范围和现场监督人输入得出"],
  [/^selection lists exactly the frame's cells$/, () => "抽取范围的每一层都已抽取，且没有多余的层"],
  [/^selected (?<cell>\S+): (?<n>\d+) of (?<m>\d+)$/, (m) => `${m.cell} 抽中：${m.m} 个候选对象中排序最前的 ${m.n} 个`],
  [/^reserve (?<cell>\S+): \d+$/, (m) => `${m.cell} 备选：排序中紧随其后的对象`],
  [/^replacement (?<n>\d+) in (?<cell>\S+): /, (m) => `${m.cell} 第 ${m.n} 次替补：下一个未使用的备选对象，并注明原因`],
  [/^teams can be formed from the frame$/, () => "每个检查组都能从抽取范围中组成"],
  [/^a team for every visit, no other$/, () => "每户检查都有一个检查组，且没有多余的检查组"],
  [/^visits in draw order$/, () => "检查户次按抽取顺序排列"],
  [/^team (?<visit>[^:]+): /, (m) => `${m.visit} 的检查组：该户排序中最前的符合条件人员`],
  [/^replacement (?<n>\d+) at (?<visit>[^:]+)/, (m) => `${m.visit} 第 ${m.n} 次替换：下一名符合条件的执法检查人员，并注明原因`],
  [/^blind_commitment is 64 hex characters and differs from commitment$/, () => "盲化密钥的承诺值格式正确，且不同于随机数的承诺值"],
  [/^every entity id is a token$/, () => "证明中的对象均以盲化标识出现（不公开统一社会信用代码）"],
  [/^public inputs are not empty$/, () => "有现场监督人输入（盲化抽取必须有外部输入）"],
  [/^the proof has exactly the fields of a redacted proof$/, () => "隐去明细的证明字段完整且无多余字段"],
  [/^redacted: the original proof's SHA-256 is (?<sha>\S+)$/, (m) => `明细已隐去（原证明 SHA-256 ${m.sha}）`],
  [/^the proof is a blinded draw/, () => "证明为盲化抽取（spotcheck-draw/3）"],
  [/^the holder's salt and id can be read$/, () => "本对象的代码和盐值格式正确"],
  [/^the holder's token (?<token>\S+) is in the draw$/, (m) => `本对象的盲化标识 ${m.token} 在本次抽取中`],
  [/^own (?<cell>\S+): rank (?<rank>\d+) of (?<of>\d+): (?<status>.+)$/, (m) => `本对象在 ${m.cell}：排第 ${m.rank} 位（共 ${m.of} 个），${m.status}`],
  [/^own line: (?<line>.+)$/, (m) => `本户抽取范围：${m.line}`],
  [/^own team as drawn: (?<team>.*)$/, (m) => `本户抽中的检查组：${m.team}`],
  [/^own replacement: (?<what>.+)$/, (m) => `本户的人员替换：${m.what}`],
  [/^H\(key\) = blind_commitment$/, () => "披露的盲化密钥与事先公布的承诺值一致"],
  [/^the clear frame blinded with the key gives the frame digest$/, () => "明文抽取范围经密钥盲化后与公布的摘要一致"],
  [/^excluded before the freeze: (?<reason>.+): (?<n>\d+)$/, (m) => `冻结前排除（${m.reason}）：${m.n} 户`],
  [/^the key and the clear file can be read$/, () => "盲化密钥和明文文件格式正确"],
  [/^proof is complete and well-formed$/, () => "证明文件完整且格式正确"],
  [/^read the proof$/, () => "读取证明文件"],
].map(([pattern, text]) => [pyPattern(pattern.source), text]);

/** A holder's status (DRAW-SPEC "The holder's check") in Chinese: the same as wording.STATUSES, in its order. */
const STATUSES = [
  { pattern: /^selected$/, text: () => "抽中" },
  { pattern: /^reserve (?<n>\d+)$/, text: (m) => `备选第 ${m.n} 位` },
  { pattern: /^not drawn$/, text: () => "未抽中" },
  { pattern: /^replaced out: (?<reason>.*)$/, text: (m) => `被替换（${m.reason}）` },
  { pattern: /^brought in, replacing (?<token>\S+)$/, text: (m) => `作为替补抽中，替换 ${m.token}` },
].map(({ pattern, text }) => [pyPattern(pattern.source), text]);

function statusName(status) {
  for (const [pattern, text] of STATUSES) {
    const match = pattern.exec(status);
    if (match) return text({ ...match.groups });
  }
  return status;
}

/** A frame's cell as people name it: YJJ/A → 应急管理局 风险等级 A (``names``: department code → name). */
function cellName(cell, names) {
  const at = cell.indexOf("/");
  if (at < 0 || at === cell.length - 1) return cell;
  const group = cell.slice(0, at);
  const stratum = cell.slice(at + 1);
  const name = names && Object.prototype.hasOwnProperty.call(names, group) ? names[group] : group;
  return `${name} ${stratum === "flagged" ? FLAGGED : `风险等级 ${stratum}`}`;
}

/** What a check means, in Chinese (its own name when it has no label, as on the server's page). */
export function label(name, names) {
  for (const [pattern, text] of LABELS) {
    const match = pattern.exec(name);
    if (match) {
      const found = { ...match.groups };
      if (found.cell !== undefined) found.cell = cellName(found.cell, names);
      if (found.status !== undefined) found.status = statusName(found.status);
      return text(found);
    }
  }
  return name;
}

// ---------------------------------------------------------------- running them

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** The proof as verify.py sees it: text and bytes are read as Python's json reads them. */
function readProof(input) {
  if (typeof input === "string") return parseJSON(input);
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch (error) {
      throw new PyError("UnicodeDecodeError", `'utf-8' codec can't decode the proof: ${error.message}`);
    }
    return parseJSON(text);
  }
  return fromJS(input);
}

const errorText = (error) => (error instanceof PyError ? `${error.type}: ${error.message}` : `${error.name}: ${error.message}`);

/** The bureau's clear file as disclosure.py reads it (JSON, as the proof); a file that cannot be read is a
 * failed check of the key and the clear file. */
function readClear(clear) {
  try {
    return readProof(clear);
  } catch (error) {
    return error;
  }
}

/** A run of the checks that can be stepped: ``step()`` advances to the next TICK or to the end. With
 * ``own: {id, salt}`` (the holder's check) or ``bureau: {key, clear}`` (the bureau's), their checks follow the
 * public ones, as disclosure.own_checks and bureau_checks list them. */
class Run {
  constructor(input, options = {}) {
    this.names = options.names;
    this.own = options.own || null;
    this.bureau = options.bureau || null;
    this.started = now();
    this.meter = new Meter();
    this.list = [];
    this.disclosing = false;
    this.finished = false;
    try {
      this.proof = readProof(input);
      this.generator = checks(this.proof, this.meter);
    } catch (error) {
      this.finish([check("read the proof", false, errorText(error))]);
    }
  }

  step() {
    try {
      for (;;) {
        const next = this.generator.next();
        if (next.done) return this.disclosing ? this.finish(next.value) : this.publicDone(this.list);
        if (next.value === TICK) return false;
        this.list.push(next.value);
      }
    } catch (error) {
      if (this.disclosing) {
        return this.finish([...this.list, check(this.own ? "the holder's salt and id can be read" : "the key and the clear file can be read",
          false, errorText(error))]);
      }
      return this.publicDone([check("proof is complete and well-formed", false, errorText(error))]);
    }
  }

  /** The public check is done (``list``): the run ends, or the holder's or the bureau's checks follow. */
  publicDone(list) {
    if (!this.own && !this.bureau) return this.finish(list);
    this.disclosing = true;
    this.list = list;
    if (this.own) {
      this.generator = ownChecks(this.proof, list, { id: this.own.id, salt: this.own.salt }, this.meter);
    } else {
      const clear = readClear(this.bureau.clear);
      this.generator = clear instanceof Error
        ? (function* unreadable() {
          return [...list, check("the key and the clear file can be read", false, errorText(clear))];
        }())
        : bureauChecks(this.proof, list, { key: this.bureau.key, clear }, this.meter);
    }
    return false;
  }

  finish(list) {
    this.finished = true;
    this.elapsedMs = now() - this.started;
    this.checks = list.map(({ name, ok, detail }) => ({ name, label: label(name, this.names), ok, detail }));
    this.checks.elapsedMs = this.elapsedMs;
    this.checks.hashes = this.meter.hashes;
    return true;
  }

  progress() {
    const { done, total, hashes } = this.meter;
    return { done: Math.min(done, total), total, hashes, elapsedMs: now() - this.started };
  }
}

/** Every check at once (Node, tests): [{name, label, ok, detail}], with ``elapsedMs`` and ``hashes``;
 * ``options``: ``names``, ``own: {id, salt}`` or ``bureau: {key, clear}`` (as verify's). */
export function verifySync(input, options = {}) {
  const run = new Run(input, options);
  while (!run.finished) run.step();
  return run.checks;
}

function pause() {
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Every check, yielding to the event loop every ``sliceMs`` (a page stays responsive during a
 * draw of millions of hashes) and calling ``onProgress({done, total, hashes, elapsedMs})`` then.
 * ``own: {id, salt}`` adds the holder's check of a blinded draw (the id in clear, the salt in hex);
 * ``bureau: {key, clear}`` the bureau's (the key in hex, the clear file as text, bytes or an object). */
export async function verify(input, { onProgress, sliceMs = 40, names, own, bureau } = {}) {
  const run = new Run(input, { names, own, bureau });
  let slice = now();
  while (!run.finished) {
    run.step();
    if (!run.finished && now() - slice >= sliceMs) {
      if (onProgress) onProgress(run.progress());
      await pause();
      slice = now();
    }
  }
  if (onProgress) onProgress({ ...run.progress(), done: run.meter.total });
  return run.checks;
}

// ---------------------------------------------------------------- Node: node spotcheck-verify.js PROOF.json

const USAGE = `用法 usage: node spotcheck-verify.js PROOF.json [--own ID SALT | --key KEY --clear FILE] [--json]
  逐项核验抽取证明 (check a published draw proof, spotcheck-draw/1, /2 and /3)
  --own：本对象以自己的盐值核验自己的一行 (the holder's check of its own row)
  --key --clear：监督机关以盲化密钥和明文文件核验每一行 (the bureau's check of every row)
  退出码 exit: 0 全部通过 all checks hold, 1 有不通过 a check fails, 2 无法读取 unreadable or usage`;

const unreadable = (path, detail) => `无法读取证明文件 cannot read the proof ${path}: ${detail}`;

/** The arguments as ``python3 -m spotcheck.draw verify`` takes them (__main__.verify_arguments), ``--json``
 * anywhere: {path, own?: [id, salt], bureau?: [key, clearPath]}, or null (the usage). */
function parseArguments(args) {
  if (args.length === 1 && !args[0].startsWith("-")) return { path: args[0] };
  if (args.length === 4 && args[1] === "--own") return { path: args[0], own: [args[2], args[3]] };
  if (args.length === 5 && args[1] === "--key" && args[3] === "--clear") return { path: args[0], bureau: [args[2], args[4]] };
  if (args.length === 5 && args[1] === "--clear" && args[3] === "--key") return { path: args[0], bureau: [args[4], args[2]] };
  return null;
}

export function main(argv, io) {
  const args = argv.filter((arg) => arg !== "--json");
  const json = args.length !== argv.length;
  const asked = parseArguments(args);
  if (!asked) {
    io.err(USAGE);
    return 2;
  }
  let data;
  try {
    data = io.read(asked.path);
  } catch (error) {
    io.err(unreadable(asked.path, error.message));
    return 2;
  }
  const options = {};
  if (asked.own) options.own = { id: asked.own[0], salt: asked.own[1] };
  if (asked.bureau) {
    let readable = true;
    try {
      readProof(data);
    } catch (error) {
      readable = false; // the proof's own failure is said below, before any clear file is read
    }
    if (readable) {
      let clear;
      try {
        clear = readProof(io.read(asked.bureau[1]));
      } catch (error) {
        io.err(unreadable(asked.bureau[1], errorText(error)));
        return 2;
      }
      options.bureau = { key: asked.bureau[0], clear };
    }
  }
  const results = verifySync(data, options);
  const failed = results.filter((c) => !c.ok);
  const seconds = (results.elapsedMs / 1000).toFixed(2);
  if (json) {
    io.out(JSON.stringify({ checks: results, elapsed_ms: Math.round(results.elapsedMs), hashes: results.hashes }));
  } else {
    for (const c of results) {
      const english = c.label === c.name ? "" : `  [${c.name}]`;
      io.out(`${c.ok ? "ok  " : "FAIL"}  ${c.label}${english}${c.detail ? ` — ${c.detail}` : ""}`);
    }
  }
  if (results.length === 1 && failed.length && results[0].name === "read the proof") {
    io.err(unreadable(asked.path, results[0].detail));
    return 2;
  }
  if (failed.length) {
    io.err(`证明未通过验证：${results.length} 项核验中有 ${failed.length} 项不通过 (proof NOT verified: ${failed.length} of ${results.length} checks failed)`);
    return 1;
  }
  if (!json) io.out(`证明已验证：全部 ${results.length} 项核验通过，用时 ${seconds} 秒 (proof verified: all ${results.length} checks hold, ${seconds} s)`);
  return 0;
}

const api = { verify, verifySync, label, main, VERSION };

/** Node: run as a program (``node spotcheck-verify.js``) or be required as a module. */
function startNode() {
  const proc = globalThis.process;
  if (!proc || !proc.versions || !proc.versions.node || typeof window !== "undefined") return false;
  /* global module, require */
  const commonJS = typeof module === "object" && module && typeof require === "function";
  if (commonJS) module.exports = api;
  const isMain = commonJS ? require.main === module : /spotcheck-verify[^/\\]*\.[cm]?js$/.test(proc.argv[1] || "");
  if (!isMain) return commonJS;
  const fs = typeof proc.getBuiltinModule === "function" ? proc.getBuiltinModule("fs") : module.require("fs");
  const code = main(proc.argv.slice(2), {
    read: (path) => fs.readFileSync(path),
    out: (line) => proc.stdout.write(line + "\n"),
    err: (line) => proc.stderr.write(line + "\n"),
  });
  proc.exitCode = code;
  return true;
}

if (!startNode()) globalThis.SpotcheckVerify = api;

// Not part of the API; for tests of the Python semantics.
export const _internals = { parseJSON, pyRepr, PyFloat, typeName };
