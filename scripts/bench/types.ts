/** A benchmark workload: variants of one computation, the first of which is the baseline. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Input size in bytes at a scale (for GB/s), if meaningful. */
  inputBytes?(scale: Scale): number;
  readonly variants: readonly Variant[];
}

export type Scale = "tiny" | "small" | "tutorial";

export interface Variant {
  readonly name: string;
  /** Prepares data outside the timed region (runs in the parent, once per scale). */
  prepare?(scale: Scale): Promise<void>;
  /** The timed computation; returns a value every variant must agree on. */
  run(scale: Scale, context: RunContext): Promise<Result>;
}

export interface RunContext {
  /** Worker count for pool variants. */
  readonly workers: number;
}

export interface Result {
  /** The numbers checked against the baseline's. */
  readonly value: number | readonly number[];
  /** Relative tolerance for the check (default 1e-6). */
  readonly rtol?: number;
  /** Extra facts to print (e.g. tasks, peak held bytes). */
  readonly extra?: Record<string, number | string>;
}

/** What one measured process reports. */
export interface Measurement {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMB: number;
  readonly value: number | readonly number[];
  readonly rtol?: number;
  readonly extra?: Record<string, number | string>;
}
