/**
 * Deterministic names, like dask's `tokenize`: equal expressions get equal keys, so `compute(a, b)`
 * shares common work. The hash is 64-bit FNV-1a over a canonical text of the arguments, which keeps
 * NaN, ±Infinity and -0 distinct (JSON does not).
 */

function canonical(value: unknown, out: string[]): void {
  if (value === null || value === undefined) out.push(value === null ? "n" : "u");
  else if (typeof value === "number") {
    out.push(Object.is(value, -0) ? "-0" : String(value));
  } else if (typeof value === "string") out.push(JSON.stringify(value));
  else if (typeof value === "boolean" || typeof value === "bigint") out.push(String(value));
  else if (Array.isArray(value)) {
    out.push("[");
    for (const v of value) {
      canonical(v, out);
      out.push(",");
    }
    out.push("]");
  } else if (ArrayBuffer.isView(value)) {
    // Hash the bytes: equal buffers give equal tokens.
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    out.push(`<${value.constructor.name}:${hashBytes(bytes)}>`);
  } else if (typeof value === "object") {
    const token = (value as { token?: unknown }).token;
    if (typeof token === "string") {
      out.push(`#${token}`);
      return;
    }
    out.push("{");
    for (const k of Object.keys(value).sort()) {
      out.push(JSON.stringify(k), ":");
      canonical((value as Record<string, unknown>)[k], out);
      out.push(",");
    }
    out.push("}");
  } else out.push(`?${typeof value}`);
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;

/** 64-bit FNV-1a on UTF-16 code units, as 16 hex digits. */
export function hashString(text: string): string {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // (hi, lo) * 0x100000001b3 = (hi, lo) * 0x1b3 + (lo << 40), modulo 2^64
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = loMul >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

function hashBytes(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i], 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

/** A short deterministic token for any arguments (12 hex digits). */
export function tokenize(...args: unknown[]): string {
  const out: string[] = [];
  canonical(args, out);
  return hashString(out.join("")).slice(0, 12);
}
