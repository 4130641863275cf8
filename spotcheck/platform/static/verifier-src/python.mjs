// Python's semantics where the verifier depends on them (spotcheck/draw/verify.py runs on Python's
// json and dict; its JSON reading is python-json.mjs): equality, ordering, truth, str()/repr() and
// the errors Python raises, so that a malformed proof fails the same check here as there.

/** An error of the kinds verify.py turns into a failed check (KeyError, TypeError, ValueError …). */
export class PyError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}
export const keyError = (key) => new PyError("KeyError", pyRepr(key));
export const typeError = (message) => new PyError("TypeError", message);
export const valueError = (message) => new PyError("ValueError", message);

/** A JSON number written with a fraction or an exponent (Python's float); integers are JS numbers
 * (or BigInt beyond 2^53), so that isinstance(x, int) can be answered as Python would. */
export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

// ---------------------------------------------------------------- types

export const isDict = (x) => x instanceof Map;
export const isStr = (x) => typeof x === "string";
const isNumeric = (x) => typeof x === "number" || typeof x === "boolean" || typeof x === "bigint" || x instanceof PyFloat;
/** isinstance(x, int): bool included, as in Python. */
export const isInt = (x) => typeof x === "number" || typeof x === "boolean" || typeof x === "bigint";

export function typeName(x) {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number" || typeof x === "bigint") return "int";
  if (x instanceof PyFloat) return "float";
  if (typeof x === "string") return "str";
  if (Array.isArray(x)) return "list";
  if (x instanceof Map) return "dict";
  return typeof x;
}

/** The value of a bool, int or float, for arithmetic and ordering. */
export const num = (x) => (typeof x === "boolean" ? (x ? 1 : 0) : x instanceof PyFloat ? x.value : x);

export function hashable(x) {
  if (Array.isArray(x) || x instanceof Map) throw typeError(`unhashable type: '${typeName(x)}'`);
  return x;
}

const NAN_KEYS = new WeakMap();
let nanCount = 0;
const nanKey = (x) => {
  if (!NAN_KEYS.has(x)) NAN_KEYS.set(x, `nan#${++nanCount}`);
  return NAN_KEYS.get(x);
};

/** A key under which a hashable value is kept in a JS Map or Set, equal exactly when Python's == is. */
export function hashKey(x) {
  hashable(x);
  if (typeof x === "string") return "s" + x;
  if (x === null || x === undefined) return "None";
  const value = num(x);
  if (typeof value === "bigint") return "n" + value;
  if (Number.isNaN(value)) return nanKey(x); // NaN equals nothing but itself (by identity, as in Python's sets)
  return Number.isInteger(value) ? "n" + BigInt(value) : "n" + value;
}

/** iter(x): a list, a string's code points, a dict's keys; anything else is a TypeError. */
export function pyIter(x) {
  if (Array.isArray(x)) return x;
  if (typeof x === "string") return Array.from(x);
  if (x instanceof Map) return Array.from(x.keys());
  throw typeError(`'${typeName(x)}' object is not iterable`);
}

/** reversed(x): a list's items, a string's code points, a dict's keys, last first; TypeError otherwise. */
export function pyReversed(x) {
  if (!(Array.isArray(x) || typeof x === "string" || x instanceof Map)) throw typeError(`'${typeName(x)}' object is not reversible`);
  return pyIter(x).slice().reverse();
}

/** x[key]: a dict's value (KeyError), a list's or string's item by an int index (IndexError). */
export function pyIndex(x, key) {
  if (x instanceof Map) {
    hashable(key);
    if (typeof key === "string" && x.has(key)) return x.get(key);
    throw keyError(key);
  }
  if (Array.isArray(x) || typeof x === "string") {
    const items = Array.isArray(x) ? x : Array.from(x);
    if (!isInt(key)) {
      throw typeError(Array.isArray(x) ? `list indices must be integers or slices, not ${typeName(key)}`
        : `string indices must be integers, not '${typeName(key)}'`);
    }
    let index = Number(num(key));
    if (index < 0) index += items.length;
    if (!(index >= 0 && index < items.length)) throw new PyError("IndexError", `${typeName(x)} index out of range`);
    return items[index];
  }
  throw typeError(`'${typeName(x)}' object is not subscriptable`);
}

/** x.get(key, default) on a value that must be a dict (AttributeError otherwise). */
export function pyGet(x, key, otherwise = null) {
  if (!(x instanceof Map)) throw new PyError("AttributeError", `'${typeName(x)}' object has no attribute 'get'`);
  hashable(key);
  return typeof key === "string" && x.has(key) ? x.get(key) : otherwise;
}

/** x.items() on a value that must be a dict. */
export function pyItems(x) {
  if (!(x instanceof Map)) throw new PyError("AttributeError", `'${typeName(x)}' object has no attribute 'items'`);
  return Array.from(x.entries());
}

/** x.values() on a value that must be a dict. */
export function pyValues(x) {
  if (!(x instanceof Map)) throw new PyError("AttributeError", `'${typeName(x)}' object has no attribute 'values'`);
  return Array.from(x.values());
}

/** ``item in x`` for any x: a list by ==, a string by substring, a dict by key; TypeError otherwise. */
export function pyContains(x, item) {
  if (Array.isArray(x)) return pyIn(item, x);
  if (typeof x === "string") {
    if (typeof item !== "string") throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return x.includes(item);
  }
  if (x instanceof Map) {
    hashable(item);
    return typeof item === "string" && x.has(item);
  }
  throw typeError(`argument of type '${typeName(x)}' is not iterable`);
}

/** x.index(item) for a list (by ==) or a string (a substring, counted in code points). */
export function pyIndexOf(x, item) {
  if (Array.isArray(x)) {
    const at = x.findIndex((y) => pyEq(item, y));
    if (at < 0) throw valueError(`${pyRepr(item)} is not in list`);
    return at;
  }
  if (typeof x === "string") {
    if (typeof item !== "string") throw typeError(`must be str, not ${typeName(item)}`);
    const at = x.indexOf(item);
    if (at < 0) throw valueError("substring not found");
    return Array.from(x.slice(0, at)).length;
  }
  throw new PyError("AttributeError", `'${typeName(x)}' object has no attribute 'index'`);
}

/** ``a, b, c = x`` (``count`` names): x's items as iter() gives them, exactly ``count`` of them. */
export function pyUnpack(x, count) {
  if (!(Array.isArray(x) || typeof x === "string" || x instanceof Map)) {
    throw typeError(`cannot unpack non-iterable ${typeName(x)} object`);
  }
  const items = pyIter(x);
  if (items.length < count) throw valueError(`not enough values to unpack (expected ${count}, got ${items.length})`);
  if (items.length > count) throw valueError(`too many values to unpack (expected ${count})`);
  return items;
}

/** x[:2] on any value: a string's first code points, a list's first items; TypeError where Python raises. */
export function pyHead(x, count) {
  if (typeof x === "string") return Array.from(x.slice(0, 2 * count)).slice(0, count).join("");
  if (Array.isArray(x)) return x.slice(0, count);
  if (x instanceof Map) throw typeError("unhashable type: 'slice'");
  throw typeError(`'${typeName(x)}' object is not subscriptable`);
}

/** ", ".join(items): every item a string (TypeError naming the first that is not). */
export function pyJoin(separator, items) {
  const list = pyIter(items);
  list.forEach((item, at) => {
    if (typeof item !== "string") throw typeError(`sequence item ${at}: expected str instance, ${typeName(item)} found`);
  });
  return list.join(separator);
}

// ---------------------------------------------------------------- comparisons

/** Strings compared by code point (Python), not by UTF-16 unit (JS's <). */
export function cmpStr(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  const x = a.codePointAt(i);
  const y = b.codePointAt(i);
  return x < y ? -1 : 1;
}

export function pyEq(a, b) {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) {
    const x = num(a);
    const y = num(b);
    // eslint-disable-next-line eqeqeq
    return x == y; // a BigInt equals a number of the same value
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, k) => pyEq(item, b[k]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [key, item] of a) {
      if (!b.has(key) || !pyEq(item, b.get(key))) return false;
    }
    return true;
  }
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return false;
}

/** ``item in list``: by ==, as Python's list membership. */
export const pyIn = (item, list) => list.some((x) => pyEq(item, x));

/** a < b as Python orders it: numbers with numbers, strings by code point, lists item by item;
 * other pairs raise TypeError. */
export function pyLt(a, b) {
  if (isNumeric(a) && isNumeric(b)) return num(a) < num(b);
  if (typeof a === "string" && typeof b === "string") return cmpStr(a, b) < 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let k = 0; k < n; k++) {
      if (!pyEq(a[k], b[k])) return pyLt(a[k], b[k]);
    }
    return a.length < b.length;
  }
  throw typeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}
/** sorted(items): ascending by Python's ``<`` (stable); TypeError exactly when Python's sort raises one, since
 * whenever two items cannot be ordered some two items next to each other in any order cannot be either. */
export function pySorted(items) {
  return items.slice().sort((a, b) => (pyLt(a, b) ? -1 : pyLt(b, a) ? 1 : 0));
}

export const pyGe = (a, b) => {
  if (isNumeric(a) && isNumeric(b)) return num(a) >= num(b);
  if (typeof a === "string" && typeof b === "string") return cmpStr(a, b) >= 0;
  throw typeError(`'>=' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
};

/** bool(x) */
export function pyTruth(x) {
  if (x === null || x === undefined) return false;
  if (typeof x === "string" || Array.isArray(x)) return x.length > 0;
  if (x instanceof Map) return x.size > 0;
  if (x instanceof PyFloat) return x.value !== 0;
  if (typeof x === "bigint") return x !== 0n;
  return Boolean(x);
}

/** lst[:stop] with Python's slice rules (a negative stop counts from the end; None: all). */
export function pySliceTo(list, stop) {
  if (stop === null || stop === undefined) return list.slice();
  if (!isInt(stop)) throw typeError("slice indices must be integers or None or have an __index__ method");
  const value = num(stop);
  if (typeof value === "bigint") return value < 0n ? [] : list.slice();
  return list.slice(0, value);
}

// ---------------------------------------------------------------- text

function floatRepr(value) {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const text = String(value);
  return /[.e]/.test(text) ? text : text + ".0";
}

function strRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === "\\" || ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + quote;
}

export function pyRepr(x) {
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number" || typeof x === "bigint") return BigInt(x).toString();
  if (x instanceof PyFloat) return floatRepr(x.value);
  if (typeof x === "string") return strRepr(x);
  if (Array.isArray(x)) return "[" + x.map(pyRepr).join(", ") + "]";
  if (x instanceof Map) return "{" + Array.from(x, ([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ") + "}";
  return String(x);
}

/** str(x), as an f-string formats it. */
export const pyStr = (x) => (typeof x === "string" ? x : pyRepr(x));

const ENCODER = new TextEncoder();
function wellFormed(s) {
  if (typeof s.isWellFormed === "function") return s.isWellFormed();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    else if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/** s.encode("utf-8"): a lone surrogate is an error (UnicodeEncodeError, a ValueError), not U+FFFD. */
export function utf8(s) {
  if (!wellFormed(s)) {
    let at = 0;
    for (const ch of s) {
      const code = ch.codePointAt(0);
      if (code >= 0xd800 && code <= 0xdfff) {
        throw new PyError("UnicodeEncodeError",
          `'utf-8' codec can't encode character '\\u${code.toString(16)}' in position ${at}: surrogates not allowed`);
      }
      at++;
    }
  }
  return ENCODER.encode(s);
}

const SPACE = new Set([32, 9, 10, 13, 11, 12]);
const HEX_DIGIT = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : 99);

/** bytes.fromhex(s): pairs of hex digits, ASCII whitespace allowed between the pairs. */
export function fromHex(s) {
  if (typeof s !== "string") throw typeError(`fromhex() argument must be str, not ${s === null ? "None" : typeName(s)}`);
  const out = [];
  let i = 0;
  while (i < s.length) {
    if (SPACE.has(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const top = HEX_DIGIT(s.charCodeAt(i));
    const bottom = i + 1 < s.length ? HEX_DIGIT(s.charCodeAt(i + 1)) : 99;
    if (top > 15 || bottom > 15) {
      throw valueError(`non-hexadecimal number found in fromhex() arg at position ${top > 15 ? i : i + 1}`);
    }
    out.push(top * 16 + bottom);
    i += 2;
  }
  return Uint8Array.from(out);
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** bytes.hex() */
export function toHex(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}
