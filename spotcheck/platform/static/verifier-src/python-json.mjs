// JSON as Python's json module reads it (json.loads), where the verifier depends on it: object
// keys kept in order (the last value of a repeated key), 1 and 1.0 told apart, NaN and Infinity
// accepted, and the errors Python raises, so that a malformed proof fails the same check as there.
import { PyError, PyFloat } from "./python.mjs";

/** The proof's text parsed as Python's ``json.loads`` does: objects are Maps (order of first
 * appearance, the last value of a repeated key), numbers as above. Throws PyError("JSONDecodeError"). */
export function parseJSON(text) {
  let i = 0;
  const n = text.length;
  const fail = (what) => {
    throw new PyError("JSONDecodeError", `${what}: char ${i}`);
  };
  if (text.charCodeAt(0) === 0xfeff) fail("Unexpected UTF-8 BOM (decode using utf-8-sig)");
  const ws = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
  const PLAIN = /[^"\\\x00-\x1f]*/y;
  const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

  function string() {
    i++; // the opening quote
    let out = "";
    for (;;) {
      PLAIN.lastIndex = i;
      PLAIN.exec(text);
      out += text.slice(i, PLAIN.lastIndex);
      i = PLAIN.lastIndex;
      if (i >= n) fail("Unterminated string starting at");
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c !== "\\") fail("Invalid control character at");
      const e = text[i + 1];
      if (e === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\uXXXX escape");
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
        out += ESCAPES[e];
        i += 2;
      } else {
        fail("Invalid \\escape");
      }
    }
  }

  function value() {
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === "{") {
      i++;
      const map = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return map;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Expecting property name enclosed in double quotes");
        const key = string();
        ws();
        if (text[i] !== ":") fail("Expecting ':' delimiter");
        i++;
        map.set(key, value());
        ws();
        if (text[i] === "}") {
          i++;
          return map;
        }
        if (text[i] !== ",") fail("Expecting ',' delimiter");
        i++;
      }
    }
    if (c === "[") {
      i++;
      const list = [];
      ws();
      if (text[i] === "]") {
        i++;
        return list;
      }
      for (;;) {
        list.push(value());
        ws();
        if (text[i] === "]") {
          i++;
          return list;
        }
        if (text[i] !== ",") fail("Expecting ',' delimiter");
        i++;
      }
    }
    for (const [word, result] of [["null", null], ["true", true], ["false", false], ["NaN", new PyFloat(NaN)],
      ["Infinity", new PyFloat(Infinity)], ["-Infinity", new PyFloat(-Infinity)]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return result;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) fail("Expecting value");
    i = NUMBER.lastIndex;
    if (match[1] === undefined && match[2] === undefined) {
      const number = Number(match[0]);
      return Number.isSafeInteger(number) ? (number === 0 ? 0 : number) : BigInt(match[0]);
    }
    return new PyFloat(Number(match[0]));
  }

  const result = value();
  ws();
  if (i !== n) fail("Extra data");
  return result;
}

/** A value parsed by JSON.parse (or built in JS) in the form parseJSON gives: objects become Maps
 * (in the order JS lists their keys), non-integral numbers PyFloat. */
export function fromJS(x) {
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof Map || x instanceof PyFloat) return x;
  if (x !== null && typeof x === "object") return new Map(Object.keys(x).map((key) => [key, fromJS(x[key])]));
  if (typeof x === "number" && !Number.isInteger(x)) return new PyFloat(x);
  if (x === undefined) return null;
  return x;
}
