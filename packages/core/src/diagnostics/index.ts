/**
 * Diagnostics, as dask users know them, with no Node or DOM dependency: a progress hook for
 * displays, a {@link Profiler} and its drawing, task labels that name fused ops, and rasters of
 * 2-D arrays. The terminal bar and file writers are in `@chunked/diagnostics/node`.
 * @module
 */
export { type ColormapName, colormap } from "../graph/colormaps.js";
export { type TaskLike, stepLabel, taskLabel } from "../graph/labels.js";
export { type ProfileSvgOptions, profileSvg } from "./profile-svg.js";
export {
  type MemorySample,
  type Profile,
  Profiler,
  type TaskRecord,
} from "./profiler.js";
export { type ProgressHookOptions, type ProgressInfo, progressHook } from "./progress.js";
export { colorLimits, type RasterOptions, type Rgba, rasterRgba } from "./raster.js";
