import { fmt, InvalidSelectionError } from "../errors.js";
import { type IndexValue, newaxis, type SelectionItem, Slice } from "./slice.js";

/**
 * The NumPy-syntax index template behind `` x.at`:, ::2, ${i}, ..., None` ``. A template is
 * compiled once per call site (cached on its `TemplateStringsArray`) into items whose `${…}` slots
 * are filled on every call.
 */

/** Where a token is: segment `seg` of the template strings, character `off` in it. */
interface Pos {
  readonly seg: number;
  readonly off: number;
}

/** A slice bound: a literal integer, `None`, or interpolation `k` (negated for `-${k}`). */
type Bound =
  | { readonly lit: number | null }
  | { readonly slot: number; readonly negate: boolean; readonly pos: Pos };

type Item =
  | { readonly kind: "ellipsis" }
  | { readonly kind: "newaxis" }
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "value"; readonly slot: number; readonly negate: boolean; readonly pos: Pos }
  | { readonly kind: "slice"; readonly start?: Bound; readonly stop?: Bound; readonly step?: Bound };

type Token = { readonly ch: string; readonly pos: Pos } | { readonly slot: number; readonly pos: Pos };

const CACHE = new WeakMap<object, Item[]>();

/** Renders a value the way the error message shows it: `${3}`, `${slice(1, 5)}`. */
function renderValue(v: unknown): string {
  if (v === newaxis) return `\${newaxis}`;
  if (v instanceof Slice) return `\${slice(${v.start}, ${v.stop}, ${v.step})}`;
  return `\${${typeof v === "number" || v === null || v === undefined ? String(v) : fmt(v)}}`;
}

class ParseError {
  constructor(
    readonly pos: Pos,
    readonly detail: string,
  ) {}
}

function toError(
  strings: readonly string[],
  values: readonly unknown[],
  err: ParseError,
): InvalidSelectionError {
  let text = "";
  let column = 0;
  for (let s = 0; s < strings.length; s++) {
    if (s === err.pos.seg) column = text.length + err.pos.off + 1;
    text += strings[s];
    if (s < values.length) text += renderValue(values[s]);
  }
  return new InvalidSelectionError(`Cannot parse index at column ${column} in '${text}'. ${err.detail}`);
}

function describe(tok: Token | undefined): string {
  if (!tok) return "the end";
  return "ch" in tok ? JSON.stringify(tok.ch) : "an interpolation";
}

function compile(strings: readonly string[]): Item[] {
  const tokens: Token[] = [];
  for (let s = 0; s < strings.length; s++) {
    const str = strings[s];
    for (let i = 0; i < str.length; i++) tokens.push({ ch: str[i], pos: { seg: s, off: i } });
    if (s < strings.length - 1) tokens.push({ slot: s, pos: { seg: s, off: str.length } });
  }
  const end: Pos = { seg: strings.length - 1, off: strings[strings.length - 1]?.length ?? 0 };
  let p = 0;
  const peekCh = (): string | undefined => {
    const t = tokens[p];
    return t && "ch" in t ? t.ch : undefined;
  };
  const posOf = (): Pos => tokens[p]?.pos ?? end;
  const fail = (expected: string): never => {
    throw new ParseError(posOf(), `Got ${describe(tokens[p])}, expected ${expected}.`);
  };
  const skipWs = () => {
    while (p < tokens.length && /^\s$/.test(peekCh() ?? "")) p++;
  };
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  const isIdent = (c: string | undefined) => c !== undefined && /^[A-Za-z_.]$/.test(c);

  const readInt = (): number => {
    let text = "";
    while (isDigit(peekCh()) || (peekCh() === "_" && text !== "")) {
      text += peekCh();
      p++;
    }
    if (text.endsWith("_")) fail("a digit");
    return Number(text.replaceAll("_", ""));
  };
  const readIdent = (): { name: string; pos: Pos } => {
    const pos = posOf();
    let name = "";
    while (isIdent(peekCh()) || (name !== "" && isDigit(peekCh()))) {
      name += peekCh();
      p++;
    }
    return { name, pos };
  };

  /** An optional slice bound; `undefined` when the next token starts none. */
  const bound = (): Bound | undefined => {
    skipWs();
    let negate = false;
    const c = peekCh();
    if (c === "-" || c === "+") {
      negate = c === "-";
      p++;
      skipWs();
      const t = tokens[p];
      if (t && "slot" in t) {
        p++;
        return { slot: t.slot, negate, pos: t.pos };
      }
      if (!isDigit(peekCh())) fail("an integer");
      const v = readInt();
      return { lit: negate ? -v : v };
    }
    if (isDigit(c)) return { lit: readInt() };
    const t = tokens[p];
    if (t && "slot" in t) {
      p++;
      return { slot: t.slot, negate: false, pos: t.pos };
    }
    if (isIdent(c)) {
      const save = p;
      const { name } = readIdent();
      if (name === "None") return { lit: null };
      p = save;
    }
    return undefined;
  };

  const item = (): Item => {
    skipWs();
    const c = peekCh();
    if (c === ".") {
      for (let i = 0; i < 3; i++) {
        if (peekCh() !== ".") fail('"..."');
        p++;
      }
      return { kind: "ellipsis" };
    }
    if (isIdent(c)) {
      const save = p;
      const { name } = readIdent();
      if (name === "newaxis" || name === "np.newaxis" || name === "numpy.newaxis") return { kind: "newaxis" };
      p = save; // "None" may start a slice (None:5), so it is read as a bound
    }
    const start = bound();
    skipWs();
    if (peekCh() !== ":") {
      if (start === undefined) fail('an integer, a slice, "...", None or an interpolation');
      if ("slot" in start!) return { kind: "value", slot: start.slot, negate: start.negate, pos: start.pos };
      if (start!.lit === null) return { kind: "newaxis" };
      return { kind: "int", value: start!.lit };
    }
    p++;
    const stop = bound();
    skipWs();
    let step: Bound | undefined;
    if (peekCh() === ":") {
      p++;
      step = bound();
    }
    return { kind: "slice", start, stop, step };
  };

  const items: Item[] = [];
  skipWs();
  if (p === tokens.length) return items;
  for (;;) {
    items.push(item());
    skipWs();
    if (p === tokens.length) break;
    if (peekCh() !== ",") fail(items[items.length - 1].kind === "slice" ? '"," or ":"' : '","');
    p++;
    skipWs();
    if (p === tokens.length) break; // a trailing comma, as in Python's x[1,]
  }
  return items;
}

function boundValue(b: Bound | undefined, values: readonly unknown[]): number | null {
  if (b === undefined) return null;
  if ("lit" in b) return b.lit;
  const v = values[b.slot];
  if (v === null || v === undefined) {
    if (b.negate) throw new ParseError(b.pos, `Got ${renderValue(v)} after "-", expected an integer.`);
    return null;
  }
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ParseError(b.pos, `Got ${renderValue(v)} as a slice bound, expected an integer or null.`);
  }
  return b.negate ? -v : v;
}

/**
 * Parses a NumPy-syntax index written as a tagged template into a {@link Selection}. Items are
 * integers, slices `start:stop:step` (any part may be omitted, or be `None`), `...`, and `None` /
 * `newaxis`. A `${…}` may stand for a whole item (a number, a {@link Slice}, `null`, `newaxis`,
 * `"..."`) or for a slice bound (an integer or `null`, optionally negated as `-${i}`). The template
 * is compiled once per call site. Errors name the 1-based column in the template text, with
 * interpolations shown as `${value}`.
 *
 * @example
 * ```ts
 * const tag = (s: TemplateStringsArray, ...v: IndexValue[]) => parseIndex(s, v);
 * tag`:, ::2, ${i}, ..., None`; // [null, slice(null, null, 2), i, "...", newaxis]
 * x.at`${t}, 10:-10, ::${step}`; // the same parser, through ChunkedArray.at
 * tag`:, :x`; // InvalidSelectionError: Cannot parse index at column 5 in ':, :x'. Got "x", expected ",".
 * ```
 * @see numpy.s_, numpy.index_exp
 */
export function parseIndex(
  strings: TemplateStringsArray | readonly string[],
  values: readonly IndexValue[] = [],
): SelectionItem[] {
  if (values.length !== strings.length - 1) {
    throw new InvalidSelectionError(
      `An index template needs one value per interpolation. Got ${values.length} values for ${strings.length - 1} interpolations.`,
    );
  }
  return parseWith(strings, values);
}

function parseWith(strings: readonly string[], values: readonly unknown[]): SelectionItem[] {
  try {
    let items = CACHE.get(strings);
    if (!items) {
      items = compile(strings);
      CACHE.set(strings, items);
    }
    const out: SelectionItem[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      switch (it.kind) {
        case "ellipsis":
          out[i] = "...";
          break;
        case "newaxis":
          out[i] = newaxis;
          break;
        case "int":
          out[i] = it.value;
          break;
        case "slice": {
          const start = boundValue(it.start, values);
          const stop = boundValue(it.stop, values);
          const step = boundValue(it.step, values);
          // A bare ":" is the whole axis, written null in the structured form.
          out[i] = start === null && stop === null && step === null ? null : new Slice(start, stop, step);
          break;
        }
        case "value": {
          const v = values[it.slot];
          if (it.negate) out[i] = boundValue(it, values) as number;
          else if (v === undefined || v === null) out[i] = null;
          else if (
            v === newaxis ||
            v === "..." ||
            v instanceof Slice ||
            (typeof v === "number" && Number.isInteger(v))
          ) {
            out[i] = v;
          } else {
            throw new ParseError(
              it.pos,
              `Got ${renderValue(v)}, expected an integer, a slice(), null, newaxis or "..." in an interpolation.`,
            );
          }
        }
      }
    }
    return out;
  } catch (err) {
    if (err instanceof ParseError) throw toError(strings, values, err);
    throw err;
  }
}
