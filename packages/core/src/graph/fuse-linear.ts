import type { Graph, Key, Param, Task } from "./task.js";

/** One step of a fused task: a kernel applied to earlier values (external inputs first, then step outputs). */
export interface SubgraphStep {
  readonly op: string;
  readonly params?: Param;
  /** Indices into the value list: `0..deps.length-1` are the task's inputs, then one per earlier step. */
  readonly args: readonly number[];
}

export interface SubgraphParams {
  readonly steps: readonly SubgraphStep[];
}

/** The op of a fused task (its kernel lives in `kernels/core.ts`; `graph/` names it, kernels import it). */
export const SUBGRAPH_OP = "core.subgraph";

function isProducer(producers: readonly { task: Task }[], key: Key): boolean {
  for (const p of producers) if (p.task.key === key) return true;
  return false;
}

/**
 * Most root steps (block reads, random fills) a task that absorbs root chains may end up running:
 * a reduction tree fuses level by level up to this many leaves per task, so a tree over many blocks
 * (W1's 1000) keeps dozens of parallel tasks, while 31 stacked days of one output block cross the
 * pool as two partials instead of nine.
 */
export const MAX_CHAIN_ROOTS = 16;

/**
 * Parallel tasks a reduction tree keeps at its widest level however few its blocks: a 10-block sum
 * fused into one 10-root task would leave every worker but one idle.
 */
export const MIN_PARALLEL_ROOT_TASKS = 8;

/**
 * The roots a task that absorbs root chains may run in `graph`: {@link MAX_CHAIN_ROOTS}, lowered when
 * there are fewer outputs than {@link MIN_PARALLEL_ROOT_TASKS}, so that the roots still spread over
 * that many tasks.
 */
export function chainRootLimit(graph: Graph, outputs: number): number {
  if (outputs >= MIN_PARALLEL_ROOT_TASKS) return MAX_CHAIN_ROOTS;
  let roots = 0;
  for (const t of graph.values()) roots += rootsOf(t);
  return Math.max(1, Math.min(MAX_CHAIN_ROOTS, Math.floor(roots / MIN_PARALLEL_ROOT_TASKS)));
}

function rootsOf(t: Task): number {
  if (t.op !== SUBGRAPH_OP) return t.deps.length === 0 ? 1 : 0;
  let n = 0;
  for (const st of (t.params as unknown as SubgraphParams).steps) if (st.args.length === 0) n++;
  return n;
}

/**
 * The inputs of `t` that are chains from a root (fused, they need no input) it takes in: the
 * smallest first, while it runs at most `maxRoots` roots with its bare roots. What stays out is
 * the biggest chain, a task that needs no input and so starts early, while the small consumer
 * that waits for it comes late, where small tasks even out the workers' finish (W2: a column of 20
 * blocks is a 16-block task then a 4-block one that combines both, not the other way round).
 */
function rootChainsToAbsorb(
  t: Task,
  canAbsorb: (d: Key) => boolean,
  isBareRoot: (d: Key) => boolean,
  fuse: (d: Key) => Task,
  maxRoots: number,
): Set<Key> {
  let roots = rootsOf(t);
  const candidates: { key: Key; roots: number }[] = [];
  for (const d of t.deps) {
    if (!canAbsorb(d)) continue;
    // A chain from a root has no inputs once fused itself (fusing it first changes nothing else:
    // every task is fused in turn anyway).
    const p = fuse(d);
    // Bare roots are taken in whatever the limit (dask's fuse_roots), and count towards it.
    if (isBareRoot(d)) roots += rootsOf(p);
    else if (p.deps.length === 0) candidates.push({ key: d, roots: rootsOf(p) });
  }
  candidates.sort((a, b) => a.roots - b.roots);
  const taken = new Set<Key>();
  for (const c of candidates) {
    if (roots + c.roots > maxRoots) break;
    roots += c.roots;
    taken.add(c.key);
  }
  return taken;
}

function stepsOf(t: Task): readonly SubgraphStep[] {
  if (t.op === SUBGRAPH_OP) return (t.params as unknown as SubgraphParams).steps;
  return [{ op: t.op, params: t.params, args: t.deps.map((_, i) => i) }];
}

/**
 * Fuses linear chains (dask's `fuse_linear`, plus `fuse_roots`): a task with a single input produced
 * by a task with no other dependent, or a task fed by root tasks (no inputs) used by it alone,
 * becomes one `core.subgraph` task that runs the kernels back to back. The intermediate
 * chunk never leaves the thread that made it — on a worker pool, a block read from a file is reduced
 * where it was read. Outputs keep their keys; `canFuse` can veto a task (e.g. ones pinned to the
 * main thread). A consumer that `absorbsRootChains` also takes in its single-use inputs that are
 * chains starting at a root (read → expand, or a fused subtree of a reduction), not only bare
 * roots, while it runs at most `maxRoots` roots (optimize passes {@link chainRootLimit}): a fold
 * over raw blocks then reads them itself, and a reduction's partials cross a pool only between
 * subtrees of that many blocks.
 */
export function fuseLinear(
  graph: Graph,
  outputs: readonly Key[],
  canFuse: (t: Task) => boolean = () => true,
  absorbsRootChains: (t: Task) => boolean = () => false,
  maxRoots: number = MAX_CHAIN_ROOTS,
): Graph {
  const isOutput = new Set(outputs);
  const dependents = new Map<Key, number>();
  for (const t of graph.values()) for (const d of t.deps) dependents.set(d, (dependents.get(d) ?? 0) + 1);

  const out: Graph = new Map(graph);
  const absorbed = new Set<Key>();
  // Visit consumers in any order; each absorbs its single-use producers (recursively via their own fusion).
  const fuse = (key: Key): Task => {
    const t = out.get(key)!;
    if (!canFuse(t)) return t;
    let fusedAny = false;
    const deps: Key[] = [];
    const producers: { task: Task; at: number }[] = [];
    // A chain link (t has one input), or a root feeding only t (dask's fuse_roots). Never more:
    // absorbing every single-use producer would fold a whole reduction tree into one task.
    let linear = t.deps.length > 0;
    for (const d of t.deps) if (d !== t.deps[0]) linear = false;
    const chains = !linear && absorbsRootChains(t);
    const canAbsorb = (d: Key): boolean => {
      const producer = out.get(d);
      return (
        producer !== undefined &&
        !isOutput.has(d) &&
        dependents.get(d) === 1 &&
        !absorbed.has(d) &&
        canFuse(producer) &&
        t.deps.indexOf(d) === t.deps.lastIndexOf(d)
      );
    };
    const isBareRoot = (d: Key): boolean => graph.get(d)!.deps.length === 0;
    const takenChains = chains ? rootChainsToAbsorb(t, canAbsorb, isBareRoot, fuse, maxRoots) : undefined;
    for (const d of t.deps) {
      if (canAbsorb(d) && (linear || isBareRoot(d) || (takenChains?.has(d) ?? false))) {
        producers.push({ task: fuse(d), at: deps.length });
        fusedAny = true;
      } else {
        deps.push(d);
      }
    }
    if (!fusedAny) return t;

    // Lay out values: the fused task's external deps, then the steps of each producer, then t's
    // steps. Plain loops, no closures per task: this runs once per task of 100k-task graphs.
    const externals: Key[] = [];
    for (const d of t.deps) if (!isProducer(producers, d) && !externals.includes(d)) externals.push(d);
    for (const p of producers) for (const d of p.task.deps) if (!externals.includes(d)) externals.push(d);
    const nExt = externals.length;

    const steps: { op: string; params?: Param; args: number[] }[] = [];
    const resultIndex = new Map<Key, number>();
    for (const p of producers) {
      const pDeps = p.task.deps;
      const base = nExt + steps.length;
      for (const st of stepsOf(p.task)) {
        const args = new Array<number>(st.args.length);
        for (let i = 0; i < args.length; i++) {
          const a = st.args[i];
          args[i] = a < pDeps.length ? externals.indexOf(pDeps[a]) : base + (a - pDeps.length);
        }
        steps.push({ op: st.op, params: st.params, args });
      }
      resultIndex.set(p.task.key, nExt + steps.length - 1);
      absorbed.add(p.task.key);
      out.delete(p.task.key);
    }
    const base = nExt + steps.length;
    for (const st of stepsOf(t)) {
      const args = new Array<number>(st.args.length);
      for (let i = 0; i < args.length; i++) {
        const a = st.args[i];
        args[i] =
          a < t.deps.length
            ? (resultIndex.get(t.deps[a]) ?? externals.indexOf(t.deps[a]))
            : base + (a - t.deps.length);
      }
      steps.push({ op: st.op, params: st.params, args });
    }
    const fused: Task = {
      key: t.key,
      op: SUBGRAPH_OP,
      deps: externals,
      params: { steps } as unknown as Param,
    };
    out.set(t.key, fused);
    return fused;
  };
  for (const key of graph.keys()) if (out.has(key) && !absorbed.has(key)) fuse(key);
  return out;
}
