/**
 * The `linalg` namespace of `@chunked/core` (NumPy's `numpy.linalg`): norms and factorisations.
 * The products (`matmul`, `dot`, `tensordot`, `outer`) are top-level, as in NumPy.
 * @module
 */
export { cholesky, inv, lstsq, norm, qr, solve } from "./linalg.js";
export type { NormOptions } from "./linalg.js";
