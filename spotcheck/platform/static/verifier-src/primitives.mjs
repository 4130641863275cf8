// The primitives of DRAW-SPEC (spotcheck/draw/primitives.py, blinding.py) as the verifier replays
// them: the versions, the seed, the digests, a field's form, a token's form, and the Meter that counts
// hashes so that long loops (generators yielding TICK every few thousand hashes) let a browser page breathe.
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

import { isStr, pyRepr, pyStr, utf8, valueError } from "./python.mjs";

export const V1 = "spotcheck-draw/1";
export const V2 = "spotcheck-draw/2";
/** Blinded draws (DRAW-SPEC "Blinded draws, version 3"): both kinds, the ids published as tokens. */
export const V3 = "spotcheck-draw/3";
/** The versions whose inspector teams are drawn by the lazy shuffle (versions.SHUFFLED). */
export const SHUFFLED = [V2, V3];
export const TICK = Symbol("tick");
const TICK_EVERY = 2048;

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

export function checkField(value, what) {
  if (!isStr(value) || !value || /[\t\n|]/.test(value)) {
    throw valueError(`${what} ${pyRepr(value)} is empty or contains a tab, a newline or '|'`);
  }
  return value;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A token, or a key or commitment in hex: 64 lowercase hex characters (blinding.is_token). */
export const isToken = (value) => isStr(value) && HEX64.test(value);
