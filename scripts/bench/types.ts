/** A benchmark workload: variants of one computation, the first of which is the baseline. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Input size in bytes at a scale (for GB/s), if meaningful. */
  inputBytes?(scale: Scale, context: BenchContext): number;
  /** Makes the workload's data (runs in the parent, once per run, untimed). */
  prepare?(scale: Scale, context: BenchContext): Promise<void>;
  /** Peak RSS is checked against `--budget` (the row gets `underBudget`). */
  readonly budgeted?: boolean;
  readonly variants: readonly Variant[];
  /**
   * The same workload in dask (`--baseline dask`, dask/baseline.py): the arguments the Python side
   * needs (files, sizes), whether its value can be checked against ours (not when dask draws other
   * random numbers), and the tolerance.
   */
  dask?(scale: Scale, context: BenchContext): DaskBaseline;
}

/** See {@link Workload.dask}. */
export interface DaskBaseline {
  readonly args: Record<string, unknown>;
  readonly comparable: boolean;
  readonly rtol?: number;
}

export type Scale = "tiny" | "small" | "tutorial";

export interface Variant {
  readonly name: string;
  /** Prepares data outside the timed region (runs in the parent, once per scale). */
  prepare?(scale: Scale, context: BenchContext): Promise<void>;
  /** Untimed, in the measured process, before any run: open files, start a pool, build inputs. */
  setup?(scale: Scale, context: RunContext): Promise<void>;
  /** The timed computation; returns a value every variant must agree on. */
  run(scale: Scale, context: RunContext): Promise<Result>;
  /** Untimed, after the last run (close a pool). */
  teardown?(): Promise<void>;
}

/** What the parent and the measured processes both know. */
export interface BenchContext {
  /** Worker count for pool variants. */
  readonly workers: number;
  /** The `--budget` in MB (W6). */
  readonly budgetMB: number;
  /** Where data sets are made (default: the repository's `datasets/`). */
  readonly dataDir: string;
  /**
   * `--local-reads`: hand `fromArray` HDF5 sources without their descriptor, so every read runs
   * on the calling thread (a workaround while workers cannot reopen HDF5 files).
   */
  readonly localReads: boolean;
}

/** The context of a measured process. */
export type RunContext = BenchContext;

export interface Result {
  /** The numbers checked against the baseline's. */
  readonly value: number | readonly number[];
  /** Relative tolerance for the check (default 1e-6). */
  readonly rtol?: number;
  /** Extra facts to print (e.g. tasks, peak held bytes). */
  readonly extra?: Record<string, number | string>;
  /** Computes the value after the timed region (e.g. reads back what the run wrote). */
  readonly check?: () => Promise<number | readonly number[]>;
}

/** What one measured process reports: one entry per timed run. */
export interface Measurement {
  readonly runs: readonly RunMeasurement[];
  readonly value: number | readonly number[];
  readonly rtol?: number;
  readonly extra?: Record<string, number | string>;
  /** Set when the variant threw: the error's message (the process exits with 1). */
  readonly error?: string;
}

export interface RunMeasurement {
  readonly wallMs: number;
  /** CPU time of the whole process (all threads) during the run. */
  readonly cpuMs: number;
  /**
   * CPU time of the main thread alone (Linux; absent elsewhere): all of an in-process compute's
   * kernels, or what a pool's calling thread spends scheduling and packing tasks.
   */
  readonly mainCpuMs?: number;
  /** Peak RSS during the run (the high-water mark is reset just before it, where Linux allows). */
  readonly peakRssMB: number;
  /** RSS when the run started (modules, inputs made by `setup`). */
  readonly startRssMB: number;
}

/** Prefix of result lines on a measured process's stdout (anything else it prints is ignored). */
export const RESULT_MARK = "@@bench ";
