import type { DType } from "../types.js";

/** The subset of h5wasm's dataset metadata that decides a dtype. */
export interface H5TypeInfo {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  enum_type?: { members: Record<string, number>; type: number };
}

/** How the bytes of one HDF5 type map to a @chunked dtype. */
export interface DTypeMapping {
  readonly dtype: DType;
  /** Bytes per element as HDF5 returns them (8 for int64, also when read as float64). */
  readonly fileItemsize: number;
  /** The bytes are little-endian and need no conversion (direct reads allowed). */
  readonly plain: boolean;
  /** 64-bit integers converted to float64 after reading. */
  readonly convert?: "int64" | "uint64";
}

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_ENUM = 8;

const INTS: Record<string, DType> = {
  "1s": "int8",
  "1u": "uint8",
  "2s": "int16",
  "2u": "uint16",
  "4s": "int32",
  "4u": "uint32",
};

/** h5py stores bool as an int8 enum {FALSE: 0, TRUE: 1}. */
function isBoolEnum(t: H5TypeInfo): boolean {
  const m = t.enum_type?.members;
  if (!m) return false;
  const keys = Object.keys(m).sort();
  return keys.length === 2 && keys[0] === "FALSE" && keys[1] === "TRUE" && m.FALSE === 0 && m.TRUE === 1;
}

/**
 * Maps HDF5 type metadata to a dtype, or returns a reason string when there is none.
 * `boolAttr` is true when the dataset carries our `_chunked_dtype = "bool"` attribute.
 */
export function mapH5Type(
  t: H5TypeInfo,
  int64: "int64" | "error" | "float64",
  boolAttr: boolean,
): DTypeMapping | string {
  if (t.type === H5T_ENUM && isBoolEnum(t) && t.size === 1)
    return { dtype: "bool", fileItemsize: 1, plain: true };
  if (t.type === H5T_INTEGER) {
    if (t.size === 8) {
      if (int64 === "float64")
        return { dtype: "float64", fileItemsize: 8, plain: false, convert: t.signed ? "int64" : "uint64" };
      if (int64 === "error") return `${t.signed ? "int64" : "uint64"} (refused by { int64: "error" })`;
      return { dtype: t.signed ? "int64" : "uint64", fileItemsize: 8, plain: t.littleEndian };
    }
    const dtype = INTS[`${t.size}${t.signed ? "s" : "u"}`];
    if (!dtype) return `integer of ${t.size} bytes`;
    if (boolAttr && dtype === "uint8") return { dtype: "bool", fileItemsize: 1, plain: true };
    return { dtype, fileItemsize: t.size, plain: t.littleEndian || t.size === 1 };
  }
  if (t.type === H5T_FLOAT) {
    if (t.size === 4) return { dtype: "float32", fileItemsize: 4, plain: t.littleEndian };
    if (t.size === 8) return { dtype: "float64", fileItemsize: 8, plain: t.littleEndian };
    return `float of ${t.size} bytes${t.size === 2 ? " (float16)" : ""}`;
  }
  const names: Record<number, string> = {
    2: "time",
    3: "string",
    4: "bitfield",
    5: "opaque",
    6: "compound",
    7: "reference",
    8: "enum",
    9: "vlen",
    10: "array",
  };
  return `${names[t.type] ?? `class ${t.type}`} type`;
}

/** h5wasm's dtype string for writing a dtype (bool is stored as uint8 plus an attribute). */
export const H5_WRITE_DTYPE: Record<DType, string> = {
  bool: "<B",
  int8: "<b",
  uint8: "<B",
  int16: "<h",
  uint16: "<H",
  int32: "<i",
  uint32: "<I",
  int64: "<q",
  uint64: "<Q",
  float32: "<f",
  float64: "<d",
};

/** The attribute that marks a uint8 dataset written by us as bool (h5wasm cannot write h5py's enum). */
export const BOOL_ATTR = "_chunked_dtype";
