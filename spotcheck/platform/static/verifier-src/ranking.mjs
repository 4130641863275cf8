// The rankings (排序), nearly all of a draw's cost (16 million HMACs for 10,000 visits from a pool
// of 1,632 in version 1): HMAC(seed, prefix ‖ x) computed from SHA-256 states keyed once per
// (seed, prefix) — the inner state after the key's block and the prefix's whole blocks, the outer
// state after its key block — so that each x costs two compressions and no allocation but its key.
// H, the seed and the digests use @noble/hashes; the tests check both against the known answers.
import { H } from "./primitives.mjs";
import { cmpStr, utf8 } from "./python.mjs";

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

/** ``text`` written as UTF-8 into ``out`` at ``at`` when it is ASCII (every id of a registry): its
 * length; -1 otherwise (the caller then encodes it). No allocation. */
function asciiInto(text, out, at) {
  const length = text.length;
  if (out.length < at + length) return -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return -1;
    out[at + i] = code;
  }
  return length;
}

/** x -> HMAC(seed, prefix ‖ x) for x a string or its UTF-8 bytes, as 8 big-endian words (compared as
 * words, the same order as the 32 bytes); written into ``into`` when given, else into a new array. */
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
  return (x, into) => {
    let written = typeof x === "string" ? asciiInto(x, scratch, tail.length) : -1;
    const bytes = written < 0 && typeof x === "string" ? utf8(x) : x;
    if (written < 0) written = bytes.length;
    const length = tail.length + written;
    const end = ((length + 9 + 63) >> 6) * 64;
    if (scratch.length < end) {
      const larger = new Uint8Array(end);
      larger.set(scratch.subarray(0, length));
      scratch = larger;
    }
    scratch.set(tail, 0);
    if (bytes !== x || typeof x !== "string") scratch.set(bytes, tail.length);
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
export const entry = (key, id) => ({ key, head: key[0], id });

/** (key, id) ascending: the key as bytes (as big-endian words), ties by id (code points). */
export function cmpEntry(a, b) {
  if (a.head !== b.head) return a.head < b.head ? -1 : 1;
  for (let k = 1; k < 8; k++) {
    if (a.key[k] !== b.key[k]) return a.key[k] < b.key[k] ? -1 : 1;
  }
  return cmpStr(a.id, b.id);
}

/** The ``keep`` smallest entries of a stream, in order (heapq.nsmallest): a bounded max-heap. */
export class Smallest {
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
