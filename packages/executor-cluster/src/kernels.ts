/**
 * The cluster's own kernel: a worker runs it once on every thread before it registers, so it only
 * announces itself when its threads can run kernels. Imported by the driver too (through the
 * package index), so both registries, and their hashes, agree.
 * @internal
 * @module
 */
import { defineKernel, NDArray } from "@chunked/core/internal";

export const ping = defineKernel("cluster.ping", () => new NDArray("uint8", new Uint8Array(1), [1]));
