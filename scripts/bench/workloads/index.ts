/** The workloads of `pnpm bench`, in table order (issue 8). */
import type { Workload } from "../types.js";
import { W1 } from "./w1-hdf5-sum.js";
import { W2 } from "./w2-random-mean.js";
import { W3, W3zarr } from "./w3-weather.js";
import { W4 } from "./w4-lennard-jones.js";
import { W5a, W5b } from "./w5-scheduler.js";
import { W6 } from "./w6-larger-than-memory.js";
import { M1 } from "./m1-matmul.js";
import { R1 } from "./r1-rechunk.js";
import { S1 } from "./s1-sort.js";

export const WORKLOADS: readonly Workload[] = [W1, W2, W3, W3zarr, W4, W5a, W5b, W6, R1, S1, M1];
