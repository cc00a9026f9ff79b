/**
 * Synthetic daily 2-m temperature (kelvin) that looks like Earth's when plotted.
 *
 * One-degree field ({@link dailyField}, 180 × 360, row 0 = 89.5°N, column 0 = 179.5°W):
 * - a zonal profile, ≈300 K in the tropics to ≈240 K at the poles, whose warm belt follows the sun;
 * - land and sea from Natural Earth's coastline ({@link landMask}): land swings with the season
 *   more than sea, the more so far from the coast (continentality), the tropics' land is a little
 *   warmer, and the polar ice caps (Antarctica, Greenland) are cold;
 * - weather: waves travelling east along both storm tracks plus warm and cold Gaussian blobs that
 *   drift east, wobble north-south, and grow and fade over about a week. Positions are smooth
 *   functions of time, so consecutive days look alike.
 * Grown ×G ({@link fineBand}): bilinear interpolation of the one-degree field (periodic in
 * longitude) plus small-scale deterministic noise. Every value depends only on (seed, date, cell),
 * so bands can be generated in any order and a seed always gives the same bytes.
 * @module
 */
import { landMask, NLAT, NLON, rowLatitude } from "./landmask.js";

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;

/** 32-bit integer hash (lowbias32 by Chris Wellons): good avalanche, cheap. */
function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit key for a 53-bit seed and a salt, so different uses of one seed are independent. */
function seedKey(seed: number, salt: number): number {
  return hash32(hash32((seed >>> 0) ^ Math.imul(salt, 0x9e3779b9)) ^ Math.floor(seed / 4294967296));
}

/** Uniform in [-1, 1) from a key and two integer coordinates. */
function noise2(key: number, a: number, b: number): number {
  return hash32(hash32(key ^ a) + Math.imul(b, 0x27d4eb2d)) / 2147483648 - 1;
}

/** A tiny sequential PRNG (mulberry32) for drawing the model's parameters from a key. */
function rng(key: number): () => number {
  let a = key | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Days since 2000-01-01 (UTC) of an ISO date `YYYY-MM-DD`; used as the model's time axis. */
export function dayNumber(date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`bad date ${date}`);
  return Math.round((t - Date.UTC(2000, 0, 1)) / DAY_MS);
}

/** `count` consecutive ISO dates from `start`. */
export function dateRange(start: string, count: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, k) => new Date(t0 + k * DAY_MS).toISOString().slice(0, 10));
}

/** Time-independent fields of the one-degree grid. */
interface Statics {
  land: Float64Array;
  /** 0 at sea and on coasts, up to 1 deep inside large continents. */
  continentality: Float64Array;
}

let statics: Statics | undefined;

function getStatics(): Statics {
  if (statics) return statics;
  const mask = landMask();
  const land = Float64Array.from(mask);
  // Separable Gaussian blur of the mask (σ = 5°, periodic in longitude): how much land is near.
  const sigma = 5;
  const r = 3 * sigma;
  const w = Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const tmp = new Float64Array(NLAT * NLON);
  for (let i = 0; i < NLAT; i++) {
    for (let j = 0; j < NLON; j++) {
      let s = 0;
      let ws = 0;
      for (let k = -r; k <= r; k++) {
        s += w[k + r] * land[i * NLON + ((j + k + NLON) % NLON)];
        ws += w[k + r];
      }
      tmp[i * NLON + j] = s / ws;
    }
  }
  const continentality = new Float64Array(NLAT * NLON);
  for (let i = 0; i < NLAT; i++) {
    for (let j = 0; j < NLON; j++) {
      let s = 0;
      let ws = 0;
      for (let k = -r; k <= r; k++) {
        const ii = i + k;
        if (ii < 0 || ii >= NLAT) continue;
        s += w[k + r] * tmp[ii * NLON + j];
        ws += w[k + r];
      }
      const near = s / ws;
      continentality[i * NLON + j] = land[i * NLON + j] * Math.min(1, Math.max(0, (near - 0.35) / 0.55));
    }
  }
  statics = { land, continentality };
  return statics;
}

interface Wave {
  hemisphere: 1 | -1;
  m: number;
  amp: number;
  /** Eastward phase speed in degrees of longitude per day. */
  speed: number;
  phase: number;
}

interface Blob {
  life: number;
  offset: number;
  key: number;
}

interface Systems {
  waves: Wave[];
  blobs: Blob[];
}

const systemsCache = new Map<number, Systems>();

/** The weather systems of a seed: a few waves per hemisphere and ~30 recurring blobs. */
function systems(seed: number): Systems {
  let s = systemsCache.get(seed);
  if (s) return s;
  const next = rng(seedKey(seed, 1));
  const waves: Wave[] = [];
  for (const hemisphere of [1, -1] as const) {
    for (let k = 0; k < 3; k++) {
      waves.push({
        hemisphere,
        m: 3 + Math.floor(next() * 5),
        amp: 1.5 + 2.5 * next(),
        speed: 6 + 8 * next(),
        phase: 2 * Math.PI * next(),
      });
    }
  }
  const blobs: Blob[] = [];
  for (let k = 0; k < 32; k++)
    blobs.push({ life: 6 + 8 * next(), offset: 20 * next(), key: seedKey(seed, 100 + k) });
  s = { waves, blobs };
  systemsCache.set(seed, s);
  return s;
}

/** Where blob `b` is at time `t` (days), and how strong: a fresh draw per life cycle. */
function blobState(b: Blob, t: number): { lat: number; lon: number; amp: number; radius: number } {
  const u = (t + b.offset) / b.life;
  const cycle = Math.floor(u);
  const age = u - cycle;
  const next = rng(hash32(b.key ^ Math.imul(cycle, 0x632be5ab)));
  const hemisphere = next() < 0.5 ? -1 : 1;
  const lat0 = hemisphere * (20 + 50 * next());
  const lon0 = -180 + 360 * next();
  const speed = 4 + 10 * next(); // degrees of longitude per day, eastward
  const sign = next() < 0.5 ? -1 : 1;
  const amp = sign * (2.5 + 4.5 * next()) * Math.sin(Math.PI * age); // grows, then fades
  const radius = 7 + 8 * next();
  const wobble = 6 * Math.sin(2 * Math.PI * (age + next()));
  return { lat: lat0 + wobble, lon: lon0 + speed * age * b.life, amp, radius };
}

/**
 * The one-degree field of one day: 180 × 360 values in kelvin, row-major, north first.
 *
 * @param date ISO date `YYYY-MM-DD`.
 * @param seed Non-negative integer; the same (date, seed) always gives the same values.
 */
export function dailyField(date: string, seed: number): Float64Array {
  const t = dayNumber(date);
  const { land, continentality } = getStatics();
  const { waves, blobs } = systems(seed);
  // +1 around 20 January (northern winter, land lags the sun by about a month), -1 in July.
  const winterN = Math.cos((2 * Math.PI * (t - 19)) / 365.2422);
  const beltCentre = -6 * winterN; // the thermal equator follows the sun

  // Weather anomalies first. Waves depend on longitude only; their latitude envelope is applied per row.
  const waveN = new Float64Array(NLON);
  const waveS = new Float64Array(NLON);
  for (const w of waves) {
    const dst = w.hemisphere > 0 ? waveN : waveS;
    for (let j = 0; j < NLON; j++)
      dst[j] += w.amp * Math.cos(w.m * (-179.5 + j - w.speed * t) * DEG + w.phase);
  }
  const anomaly = new Float64Array(NLAT * NLON);
  for (let i = 0; i < NLAT; i++) {
    const lat = rowLatitude(i);
    // Storm tracks near 45° in each hemisphere, stronger in that hemisphere's winter.
    const trackN = Math.exp(-(((lat - 45) / 14) ** 2)) * (1 + 0.4 * winterN);
    const trackS = Math.exp(-(((lat + 45) / 14) ** 2)) * (1 - 0.4 * winterN);
    for (let j = 0; j < NLON; j++) anomaly[i * NLON + j] = trackN * waveN[j] + trackS * waveS[j];
  }
  // Blobs are splatted within three radii of their centre.
  for (const b of blobs) {
    const { lat: blat, lon: blon, amp, radius } = blobState(b, t);
    const reach = 3 * radius;
    const coslat = Math.cos(blat * DEG);
    const halfWidth = Math.min(180, Math.ceil(reach / Math.max(coslat, 0.05)));
    const i0 = Math.max(0, Math.floor(90 - blat - reach));
    const i1 = Math.min(NLAT - 1, Math.ceil(90 - blat + reach));
    const jc = Math.round(blon + 179.5);
    for (let i = i0; i <= i1; i++) {
      const dy = rowLatitude(i) - blat;
      for (let dj = -halfWidth; dj < halfWidth; dj++) {
        const j = (((jc + dj) % NLON) + NLON) % NLON;
        let dlon = -179.5 + j - blon;
        dlon -= 360 * Math.round(dlon / 360);
        const dx = dlon * coslat;
        const d2 = dx * dx + dy * dy;
        if (d2 < reach * reach) anomaly[i * NLON + j] += amp * Math.exp(-d2 / (2 * radius * radius));
      }
    }
  }

  const out = new Float64Array(NLAT * NLON);
  for (let i = 0; i < NLAT; i++) {
    const lat = rowLatitude(i);
    const sinLat = Math.sin(lat * DEG);
    const cosLat = Math.cos(lat * DEG);
    // ≈300 K at the thermal equator, ≈270 K at 60°, 240 K at the poles (zonal means of the real climate).
    const zonal = 240 + 60 * Math.max(0, Math.cos((lat - beltCentre) * DEG));
    const polar = Math.sqrt(Math.max(0, (Math.abs(lat) - 60) / 30));
    const sea = zonal - 4 * sinLat * winterN; // the sea's small seasonal swing
    for (let j = 0; j < NLON; j++) {
      const c = i * NLON + j;
      const L = land[c];
      const cont = continentality[c];
      // Land: a larger seasonal swing inland (less on the ice caps, whose snow reflects the summer
      // sun), warmer tropical land, and cold ice caps (Antarctica, Greenland).
      const swing = (6 + 16 * cont) * (1 - 0.7 * polar);
      const v = sea + L * (-swing * sinLat * winterN + 3 * cosLat * cosLat - 22 * polar * (0.3 + 0.7 * cont));
      out[c] = v + anomaly[c] * (0.75 + 0.5 * L); // the sea's inertia damps weather
    }
  }
  return out;
}

/** Precomputed horizontal interpolation for one growth factor (shared by all rows and days). */
interface Columns {
  /** Coarse columns left and right of each fine column, and the weight of the right one. */
  j0: Int32Array;
  j1: Int32Array;
  wx: Float64Array;
  /** Terrain-noise lattice spacing, cell of each fine column, and its smoothstepped weight. */
  S: number;
  Q: number;
  q: Int32Array;
  gx: Float64Array;
}

const columnsCache = new Map<number, Columns>();

const smoothstep = (x: number) => x * x * (3 - 2 * x); // no creases along lattice lines

function columnsFor(growth: number): Columns {
  let c = columnsCache.get(growth);
  if (c) return c;
  const W = NLON * growth;
  // Lattice spacing of the terrain noise: a quarter of a coarse cell (at least 2 fine cells).
  const S = Math.max(2, Math.round(growth / 4));
  c = {
    j0: new Int32Array(W),
    j1: new Int32Array(W),
    wx: new Float64Array(W),
    S,
    Q: Math.ceil(W / S),
    q: new Int32Array(W),
    gx: new Float64Array(W),
  };
  for (let J = 0; J < W; J++) {
    const x = (J + 0.5) / growth - 0.5; // in coarse-column units, cell centres at integers
    const f = Math.floor(x);
    c.j0[J] = (f + NLON) % NLON;
    c.j1[J] = (f + 1 + NLON) % NLON; // periodic in longitude
    c.wx[J] = x - f;
    c.q[J] = Math.floor(J / S);
    c.gx[J] = smoothstep((J - c.q[J] * S) / S);
  }
  columnsCache.set(growth, c);
  return c;
}

/** Amplitude (K) of the static small-scale "terrain" noise over land and sea, and of daily per-cell noise. */
const TERRAIN_LAND = 1.2;
const TERRAIN_SEA = 0.3;
const DAILY_NOISE = 0.15;

/**
 * Rows `[r0, r1)` of the field grown ×`growth` (shape `(180·growth, 360·growth)`), written to
 * `out` (row-major, `(r1 - r0) × 360·growth`). `growth = 1` reproduces {@link dailyField} exactly.
 *
 * @param coarse The day's one-degree field from {@link dailyField}.
 * @param date The same date (it seeds the daily noise).
 */
export function fineBand(
  coarse: Float64Array,
  growth: number,
  r0: number,
  r1: number,
  date: string,
  seed: number,
  out: Float32Array | Float64Array,
): void {
  const W = NLON * growth;
  if (growth === 1) {
    out.set(coarse.subarray(r0 * W, r1 * W));
    return;
  }
  const { land } = getStatics();
  const { j0, j1, wx, S, Q, q, gx } = columnsFor(growth);
  const H = NLAT * growth;
  const terrainKey = seedKey(seed, 2);
  const dailyKey = seedKey(seed, 3 + dayNumber(date));
  const rowT = new Float64Array(NLON); // the coarse field interpolated to this fine row
  const rowA = new Float64Array(NLON); // the terrain noise's amplitude, likewise
  const lattice = new Float64Array(Q + 1); // the terrain lattice interpolated to this fine row
  for (let I = r0; I < r1; I++) {
    const y = Math.min(Math.max((I + 0.5) / growth - 0.5, 0), NLAT - 1); // clamped at the poles
    const i0 = Math.floor(y);
    const i1 = Math.min(i0 + 1, NLAT - 1);
    const wy = y - i0;
    for (let j = 0; j < NLON; j++) {
      const a = i0 * NLON + j;
      const b = i1 * NLON + j;
      rowT[j] = coarse[a] + wy * (coarse[b] - coarse[a]);
      const l = land[a] + wy * (land[b] - land[a]);
      rowA[j] = TERRAIN_SEA + (TERRAIN_LAND - TERRAIN_SEA) * l;
    }
    const p = Math.floor(I / S);
    const fy = smoothstep((I - p * S) / S);
    const p1 = Math.min(p + 1, H);
    for (let k = 0; k <= Q; k++) {
      const n0 = noise2(terrainKey, p, k % Q);
      lattice[k] = n0 + fy * (noise2(terrainKey, p1, k % Q) - n0);
    }
    const rowKey = hash32(dailyKey ^ I);
    const o = (I - r0) * W;
    for (let J = 0; J < W; J++) {
      const a = j0[J];
      const b = j1[J];
      const fx = wx[J];
      const value = rowT[a] + fx * (rowT[b] - rowT[a]);
      const amp = rowA[a] + fx * (rowA[b] - rowA[a]);
      const k = q[J];
      const terrain = (lattice[k] + gx[J] * (lattice[k + 1] - lattice[k])) * amp;
      const white = hash32(rowKey + Math.imul(J, 0x27d4eb2d)) / 2147483648 - 1;
      out[o + J] = value + terrain + DAILY_NOISE * white;
    }
  }
}
