// The draw-proof verifier (抽取证明验证) that runs in the citizen's own browser and under Node.
//
// The same checks, in the same order and with the same verdicts, as spotcheck/draw/verify.py (and
// `spotcheck draw verify`), from the proof alone: H(nonce) = commitment, the frame digest, the seed,
// every selection, reserve, team and replacement (DRAW-SPEC.md). A malformed proof gives a failed
// check, never an exception. Built into one file, spotcheck/platform/static/spotcheck-verify.js:
//
//   browser: SpotcheckVerify.verify(proofTextOrObject, {onProgress}) -> Promise of
//            [{name, label, ok, detail}], label in Chinese; it yields to the page as it goes.
//   Node:    node spotcheck-verify.js PROOF.json [--json]   exit 0 all hold, 1 one fails, 2 unreadable.
import { DrawFailed, redrawInspectors, replacementFor } from "./inspectors.mjs";
import { H, Meter, TICK, V1, V2, deriveSeed, linesDigest } from "./primitives.mjs";
import {
  PyError, PyFloat, cmpStr, fromHex, hashKey, hashable, isDict, isInt, isStr, num, pyEq, pyGet,
  pyIn, pyIndex, pyItems, pyIter, pyLt, pyRepr, pyStr, pyTruth, toHex, typeError, typeName, valueError,
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
const VALUE_ERRORS = new Set(["ValueError", "UnicodeEncodeError"]);

const check = (name, ok, detail = "") => ({ name, ok: Boolean(ok), detail });

function* checks(proof, meter) {
  if (!isDict(proof)) throw typeError("the proof is not a JSON object");
  const kind = hashable(pyGet(proof, "kind"));
  const algorithm = pyGet(proof, "algorithm");
  if (!(isStr(kind) && FIELDS.has(kind))) {
    yield check("kind is targets or inspectors", false, pyRepr(kind));
    return;
  }
  const known = kind === "targets" ? [V1] : [V1, V2];
  const knownAlgorithm = pyIn(algorithm, known);
  yield check(`algorithm is ${knownAlgorithm ? algorithm : known.join(" or ")}`, knownAlgorithm, pyStr(algorithm));
  if (!knownAlgorithm) return;
  const fields = FIELDS.get(kind);
  const missing = fields.filter((field) => !proof.has(field)).sort(cmpStr);
  const unknown = Array.from(proof.keys()).filter((field) => !fields.includes(field) && !OPTIONAL.includes(field)).sort(cmpStr);
  yield check("the proof has exactly the fields of its kind", !missing.length && !unknown.length,
    [missing.length && `missing ${pyRepr(missing)}`, unknown.length && `unknown ${pyRepr(unknown)}`].filter(Boolean).join("; "));
  if (missing.length) return;
  const nonce = fromHex(proof.get("nonce"));
  if (nonce.length !== 32) throw valueError("the nonce is not 32 bytes");
  yield check("H(nonce) = commitment", pyEq(toHex(H(nonce)), proof.get("commitment")));
  let digest;
  let cells;
  let rows = 0;
  const linesField = proof.get("frame_lines");
  if (kind === "targets") {
    const frame = pyIter(proof.get("frame")).map((row) => pyIter(row));
    if (frame.some((row) => row.length !== 3 || !isStr(row[0]) || !isStr(row[1]) || !isStr(row[2]))) {
      throw valueError("a frame row is not [group, stratum, id]");
    }
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
  const seed = deriveSeed(nonce, kind, proof.get("campaign"), digest, inputs, algorithm);
  yield check(`seed = HMAC(nonce, ${algorithm}|kind|campaign|frame_digest ‖ I)`, pyEq(toHex(seed), proof.get("seed")));
  if (kind === "targets") yield* targetChecks(proof, seed, cells, rows, meter);
  else yield* inspectorChecks(proof, linesField, meter);
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

/** The same meanings as CHECK_LABELS of spotcheck/platform/web/public_draws.py, in Chinese. */
const LABELS = [
  [/^algorithm is (?<algorithm>spotcheck-draw\/[12])$/, (m) => `算法为 ${m.algorithm}`],
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
  [/^proof is complete and well-formed$/, () => "证明文件完整且格式正确"],
  [/^read the proof$/, () => "读取证明文件"],
];

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

/** A run of the checks that can be stepped: ``step()`` advances to the next TICK or to the end. */
class Run {
  constructor(input, options = {}) {
    this.names = options.names;
    this.started = now();
    this.meter = new Meter();
    this.list = [];
    this.finished = false;
    try {
      this.generator = checks(readProof(input), this.meter);
    } catch (error) {
      this.finish([check("read the proof", false, errorText(error))]);
    }
  }

  step() {
    try {
      for (;;) {
        const next = this.generator.next();
        if (next.done) return this.finish(this.list);
        if (next.value === TICK) return false;
        this.list.push(next.value);
      }
    } catch (error) {
      return this.finish([check("proof is complete and well-formed", false, errorText(error))]);
    }
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

/** Every check at once (Node, tests): [{name, label, ok, detail}], with ``elapsedMs`` and ``hashes``. */
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
 * draw of millions of hashes) and calling ``onProgress({done, total, hashes, elapsedMs})`` then. */
export async function verify(input, { onProgress, sliceMs = 40, names } = {}) {
  const run = new Run(input, { names });
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

const USAGE = `用法 usage: node spotcheck-verify.js PROOF.json [--json]
  逐项核验抽取证明 (check a published draw proof, spotcheck-draw/1 and /2)
  退出码 exit: 0 全部通过 all checks hold, 1 有不通过 a check fails, 2 无法读取 unreadable or usage`;

export function main(argv, io) {
  const args = argv.filter((arg) => arg !== "--json");
  const json = args.length !== argv.length;
  if (args.length !== 1 || args[0].startsWith("-")) {
    io.err(USAGE);
    return 2;
  }
  let data;
  try {
    data = io.read(args[0]);
  } catch (error) {
    io.err(`无法读取证明文件 cannot read the proof ${args[0]}: ${error.message}`);
    return 2;
  }
  const results = verifySync(data);
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
    io.err(`无法读取证明文件 cannot read the proof ${args[0]}: ${results[0].detail}`);
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
