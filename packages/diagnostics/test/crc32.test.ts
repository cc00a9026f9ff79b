import { describe, expect, it } from "vitest";
import { crc32 } from "../src/crc32.js";

describe("crc32", () => {
  it("matches the standard check value and zlib's empty and single-byte CRCs", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(new Uint8Array([0]))).toBe(0xd202ef8d);
  });
});
