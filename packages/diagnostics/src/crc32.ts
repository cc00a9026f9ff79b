/**
 * `@chunked/diagnostics/crc32`: the CRC-32 of PNG chunks and ZIP entries (ISO 3309, polynomial
 * 0xEDB88320), dependency-free so browsers can import it without Graphviz or Node modules.
 *
 * @example
 * ```ts
 * import { crc32 } from "@chunked/diagnostics/crc32";
 * crc32(new TextEncoder().encode("123456789")); // 0xcbf43926
 * ```
 * @module
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 of `bytes`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
