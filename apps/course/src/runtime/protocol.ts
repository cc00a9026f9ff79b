/** Messages between the page and the cell runner worker. */

/** One thing a cell shows. */
export type Output =
  | { kind: "text"; text: string; stream?: "log" | "warn" }
  | {
      kind: "array";
      label?: string;
      repr: string;
      name: string;
      shape: number[];
      chunksize: number[];
      dtype: string;
      nbytes: number;
      chunkBytes: number;
      blocks: number;
      tasks: number;
      dot: string;
    }
  | {
      kind: "ndarray";
      label?: string;
      shape: number[];
      dtype: string;
      /** Nested rows of formatted numbers (at most 10 × 10), or one value for a 0-d array. */
      rows: string[][];
      truncated: boolean;
    }
  | { kind: "table"; label?: string; columns: string[]; rows: (string | number)[][] }
  | {
      kind: "image";
      label?: string;
      width: number;
      height: number;
      values: Float32Array;
      domain: [number, number];
      legend: string;
    }
  | { kind: "line"; label?: string; x: string; y: string; points: [number, number][] }
  | { kind: "graph"; label?: string; dot: string; tasks: number }
  | {
      kind: "timing";
      label: string;
      ms: number;
      tasks?: number;
      peakBytes?: number;
      cpuMs?: number;
      where: string;
    }
  | { kind: "download"; name: string; bytes: Uint8Array };

export interface RunRequest {
  type: "run";
  id: number;
  code: string;
  /** TypeScript of a check `(value) => true | string`, for exercises. */
  check?: string;
  /** Values the page passes to the cell (e.g. a slider's chunk size), as the global `params`. */
  params?: Record<string, number | string>;
  /** The page is phone-sized or has little memory: `data.url` gives the small variant of a data set. */
  smallData?: boolean;
}

export type ToRunner = RunRequest | { type: "abort"; id: number };

export interface WorkerActivity {
  /** Tasks sent to this worker and not answered yet. */
  running: number;
  done: number;
}

export interface CellError {
  name: string;
  message: string;
  /** Line in the cell's code, when known. */
  line?: number;
  detail?: string;
}

export type FromRunner =
  | { type: "output"; id: number; output: Output }
  | { type: "progress"; id: number; done: number; total: number; running: number; bytesHeld: number }
  | { type: "workers"; id: number; workers: WorkerActivity[]; transport: string }
  | {
      type: "done";
      id: number;
      ok: boolean;
      ms: number;
      error?: CellError;
      /** For exercises: whether the answer passed the check, and why not. */
      check?: { ok: boolean; message: string };
    };
