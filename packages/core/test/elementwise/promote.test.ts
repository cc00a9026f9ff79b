import { describe, expect, it } from "vitest";
import { DTYPES, type DType } from "@chunked/core";
import {
  canCastSafely,
  checkScalarFits,
  floatType,
  resultType,
  resultTypeOf,
  resultTypeWithScalar,
  trueDivideType,
} from "../../src/dtype/promote.js";
import { isChunkedError } from "@chunked/core";
import { type ElementwiseOp, opResultType } from "../../src/ops/elementwise.js";

// np.result_type(a, b) from NumPy 2.4.6. Columns follow ORDER.
const ORDER: DType[] = [
  "bool",
  "int8",
  "int16",
  "int32",
  "uint8",
  "uint16",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];
const NUMPY_TABLE: Record<DType, DType[]> = {
  bool: [
    "bool",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  int8: [
    "int8",
    "int8",
    "int16",
    "int32",
    "int16",
    "int32",
    "int64",
    "int64",
    "float64",
    "float32",
    "float64",
  ],
  int16: [
    "int16",
    "int16",
    "int16",
    "int32",
    "int16",
    "int32",
    "int64",
    "int64",
    "float64",
    "float32",
    "float64",
  ],
  int32: [
    "int32",
    "int32",
    "int32",
    "int32",
    "int32",
    "int32",
    "int64",
    "int64",
    "float64",
    "float64",
    "float64",
  ],
  uint8: [
    "uint8",
    "int16",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  uint16: [
    "uint16",
    "int32",
    "int32",
    "int32",
    "uint16",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  uint32: [
    "uint32",
    "int64",
    "int64",
    "int64",
    "uint32",
    "uint32",
    "uint32",
    "int64",
    "uint64",
    "float64",
    "float64",
  ],
  int64: [
    "int64",
    "int64",
    "int64",
    "int64",
    "int64",
    "int64",
    "int64",
    "int64",
    "float64",
    "float64",
    "float64",
  ],
  uint64: [
    "uint64",
    "float64",
    "float64",
    "float64",
    "uint64",
    "uint64",
    "uint64",
    "float64",
    "uint64",
    "float64",
    "float64",
  ],
  float32: [
    "float32",
    "float32",
    "float32",
    "float64",
    "float32",
    "float32",
    "float64",
    "float64",
    "float64",
    "float32",
    "float64",
  ],
  float64: [
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
  ],
};

// (np.zeros(1, a) + 1, + 1.5, + True).dtype from NumPy 2.4.6.
const NUMPY_SCALARS: Record<DType, { int: DType; float: DType; bool: DType }> = {
  bool: { int: "int64", float: "float64", bool: "bool" },
  int8: { int: "int8", float: "float64", bool: "int8" },
  int16: { int: "int16", float: "float64", bool: "int16" },
  int32: { int: "int32", float: "float64", bool: "int32" },
  uint8: { int: "uint8", float: "float64", bool: "uint8" },
  uint16: { int: "uint16", float: "float64", bool: "uint16" },
  uint32: { int: "uint32", float: "float64", bool: "uint32" },
  int64: { int: "int64", float: "float64", bool: "int64" },
  uint64: { int: "uint64", float: "float64", bool: "uint64" },
  float32: { int: "float32", float: "float32", bool: "float32" },
  float64: { int: "float64", float: "float64", bool: "float64" },
};

describe("resultType (NumPy 2 table)", () => {
  for (const a of ORDER) {
    it(`${a} with every dtype`, () => {
      expect(ORDER.map((b) => resultType(a, b))).toEqual(NUMPY_TABLE[a]);
    });
  }
  it("is symmetric and idempotent", () => {
    for (const a of DTYPES) {
      expect(resultType(a, a)).toBe(a);
      for (const b of DTYPES) expect(resultType(a, b)).toBe(resultType(b, a));
    }
  });
  it("matches the brief's examples", () => {
    expect(resultType("int8", "uint8")).toBe("int16");
    expect(resultType("int32", "uint32")).toBe("int64");
    expect(resultType("int64", "uint64")).toBe("float64");
    expect(resultType("int64", "float32")).toBe("float64");
    expect(resultType("int32", "float32")).toBe("float64");
    expect(resultType("int16", "float32")).toBe("float32");
    expect(resultType("uint8", "int8")).toBe("int16");
    expect(resultType("bool", "int8")).toBe("int8");
  });
});

describe("weak scalars (NEP 50)", () => {
  for (const a of ORDER) {
    it(`${a} with 1, 1.5 and true`, () => {
      expect(resultTypeWithScalar(a, 1)).toBe(NUMPY_SCALARS[a].int);
      expect(resultTypeWithScalar(a, 1.5)).toBe(NUMPY_SCALARS[a].float);
      expect(resultTypeWithScalar(a, true)).toBe(NUMPY_SCALARS[a].bool);
    });
  }
  it("treats NaN and infinities as weak floats", () => {
    expect(resultTypeWithScalar("int8", Number.NaN)).toBe("float64");
    expect(resultTypeWithScalar("int8", Infinity)).toBe("float64");
    expect(resultTypeWithScalar("float32", -Infinity)).toBe("float32");
  });
  it("n-ary resultTypeOf: strong dtypes first, then weak kinds", () => {
    expect(resultTypeOf("int8", "uint8", 3)).toBe("int16");
    expect(resultTypeOf("float32", 1.5)).toBe("float32");
    expect(resultTypeOf("int16", 1.5, true)).toBe("float64");
    expect(resultTypeOf(2, 3)).toBe("int64");
    expect(resultTypeOf(2, 3.5)).toBe("float64");
    expect(resultTypeOf(true, false)).toBe("bool");
  });
  it("checkScalarFits raises NumPy's OverflowError wording", () => {
    expect(() => checkScalarFits("uint8", 300, "x2")).toThrow("Python integer 300 out of bounds for uint8");
    expect(() => checkScalarFits("uint8", -1)).toThrow("Python integer -1 out of bounds for uint8");
    expect(() => checkScalarFits("int32", 2 ** 40)).toThrow("out of bounds for int32");
    expect(() => checkScalarFits("int8", 1.5)).not.toThrow();
    expect(() => checkScalarFits("float32", 1e300)).not.toThrow();
    try {
      checkScalarFits("int8", 128);
    } catch (e) {
      expect(isChunkedError(e, "InvalidArgumentError")).toBe(true);
    }
  });
});

// ufunc(np.zeros(1, a)).dtype from NumPy 2.4.6; float16 -> float32 (our divergence).
const NUMPY_UNARY: Record<string, DType[]> = {
  sqrt: [
    "float32",
    "float32",
    "float32",
    "float64",
    "float32",
    "float32",
    "float64",
    "float64",
    "float64",
    "float32",
    "float64",
  ],
  divide: [
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float64",
    "float32",
    "float64",
  ],
  floor: [
    "bool",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  round: [
    "float32",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  abs: [
    "bool",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  square: [
    "int8",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  floorDivide: [
    "int8",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  mod: [
    "int8",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  power: [
    "int8",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  arctan2: [
    "float32",
    "float32",
    "float32",
    "float64",
    "float32",
    "float32",
    "float64",
    "float64",
    "float64",
    "float32",
    "float64",
  ],
  maximum: [
    "bool",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ],
  less: ["bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool"],
  logicalNot: ["bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool"],
  isnan: ["bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool", "bool"],
};

describe("per-op result dtypes", () => {
  for (const [op, expected] of Object.entries(NUMPY_UNARY)) {
    it(op, () => {
      expect(ORDER.map((d) => opResultType(op as ElementwiseOp, d))).toEqual(expected);
    });
  }
  it("rejects bool where NumPy has no loop", () => {
    for (const op of ["subtract", "negative", "sign"] as const) {
      expect(() => opResultType(op, "bool")).toThrow(/numpy boolean/);
      try {
        opResultType(op, "bool");
      } catch (e) {
        expect(isChunkedError(e, "DTypeError")).toBe(true);
      }
    }
  });
  it("trueDivideType and floatType", () => {
    expect(trueDivideType("int8")).toBe("float64");
    expect(trueDivideType("float32")).toBe("float32");
    expect(floatType("int16")).toBe("float32");
    expect(floatType("uint32")).toBe("float64");
  });
  it("canCastSafely agrees with the promotion table", () => {
    for (const a of DTYPES) {
      for (const b of DTYPES) {
        const r = resultType(a, b);
        expect(canCastSafely(a, r)).toBe(true);
        expect(canCastSafely(b, r)).toBe(true);
      }
    }
    expect(canCastSafely("float64", "float32")).toBe(false);
    expect(canCastSafely("int32", "float32")).toBe(false);
    expect(canCastSafely("uint16", "int16")).toBe(false);
  });
});
