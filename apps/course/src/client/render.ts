/** Draws a cell's outputs: dask-like array reprs, tables, plots, task graphs, readouts, downloads. */
import type { Output } from "../runtime/protocol.js";
import { formatBytes, formatMs } from "./format.js";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const tuple = (s: readonly number[]) => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;

function table(caption: string | undefined, head: string[], rows: (string | number)[][], cls = "out-table") {
  const t = el("table", { class: cls });
  if (caption) t.append(el("caption", {}, caption));
  const thead = el("thead");
  const tr = el("tr");
  for (const h of head) tr.append(el("th", { scope: "col" }, h));
  thead.append(tr);
  const tbody = el("tbody");
  for (const r of rows) {
    const row = el("tr");
    const rowHeader = head[0] === "";
    r.forEach((c, i) => {
      row.append(
        el(i === 0 && rowHeader ? "th" : "td", i === 0 && rowHeader ? { scope: "row" } : {}, String(c)),
      );
    });
    tbody.append(row);
  }
  t.append(thead, tbody);
  return t;
}

let graphviz: Promise<{ dot(src: string): string }> | undefined;

/** Renders DOT to SVG with Graphviz compiled to wasm, loaded the first time a graph is drawn. */
export async function renderGraph(dot: string, into: HTMLElement, tasks: number) {
  into.textContent = "Drawing the graph…";
  graphviz ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
  const svg = (await graphviz).dot(dot);
  into.innerHTML = svg;
  const s = into.querySelector("svg");
  if (s) {
    s.setAttribute("role", "img");
    s.setAttribute("aria-label", `Task graph, ${tasks} tasks`);
    s.removeAttribute("width");
    s.removeAttribute("height");
  }
}

let plotModule: Promise<typeof import("@observablehq/plot")> | undefined;
const Plot = () => (plotModule ??= import("@observablehq/plot"));

async function drawImage(o: Extract<Output, { kind: "image" }>, into: HTMLElement) {
  const P = await Plot();
  const width = Math.min(960, into.clientWidth || 720);
  const chart = P.plot({
    width,
    height: Math.round((width * o.height) / o.width) + 40,
    marginLeft: 40,
    x: { label: null },
    y: { reverse: true, label: null },
    // Values on both sides of zero (differences) diverge from white at 0; others use the whole ramp.
    color:
      o.domain[0] < 0 && o.domain[1] > 0
        ? { type: "diverging", pivot: 0, scheme: "RdBu", reverse: true, legend: true, label: o.legend }
        : { type: "linear", scheme: "RdBu", reverse: true, legend: true, domain: o.domain, label: o.legend },
    marks: [
      P.raster(o.values, { width: o.width, height: o.height, x1: 0, x2: o.width, y1: 0, y2: o.height }),
    ],
  });
  chart.setAttribute("aria-label", o.label ?? "Image of a 2-d array");
  into.append(chart);
}

async function drawLine(o: Extract<Output, { kind: "line" }>, into: HTMLElement) {
  const P = await Plot();
  const chart = P.plot({
    width: Math.min(640, into.clientWidth || 640),
    height: 260,
    x: { label: o.x, type: "log" },
    y: { label: o.y, grid: true },
    marks: [P.line(o.points), P.dot(o.points, { tip: true })],
  });
  chart.setAttribute("aria-label", o.label ?? `${o.y} against ${o.x}`);
  into.append(chart);
}

/** Appends one output to a cell's output area. */
export function renderOutput(o: Output, into: HTMLElement) {
  const box = el("div", { class: `out out-${o.kind}` });
  if ("label" in o && o.label && o.kind !== "timing") box.append(el("p", { class: "out-label" }, o.label));
  switch (o.kind) {
    case "text":
      box.append(el("pre", { class: o.stream === "warn" ? "warn" : "" }, o.text));
      break;
    case "array": {
      box.append(el("code", { class: "repr" }, o.repr));
      box.append(
        table(
          undefined,
          ["", "Array", "Chunk"],
          [
            ["Bytes", formatBytes(o.nbytes), formatBytes(o.chunkBytes)],
            ["Shape", tuple(o.shape), tuple(o.chunksize)],
            ["Count", `${o.tasks} tasks`, `${o.blocks} chunks`],
            ["Type", o.dtype, "NDArray"],
          ],
          "out-table dask-repr",
        ),
      );
      if (o.dot) {
        const det = el("details", { class: "graph" });
        det.append(el("summary", {}, `Task graph (${o.tasks} tasks)`));
        const holder = el("div", { class: "graph-svg" });
        det.append(holder);
        det.addEventListener("toggle", () => {
          if (det.open && !holder.firstChild)
            renderGraph(o.dot, holder, o.tasks).catch((e) => (holder.textContent = String(e)));
        });
        box.append(det);
      }
      break;
    }
    case "ndarray": {
      const caption = `NDArray ${tuple(o.shape)} ${o.dtype}${o.truncated ? " (first rows and columns)" : ""}`;
      box.append(
        table(
          caption,
          o.rows[0].map((_, i) => String(i)),
          o.rows,
          "out-table values",
        ),
      );
      break;
    }
    case "table":
      box.append(table(undefined, o.columns, o.rows));
      break;
    case "image":
      drawImage(o, box).catch((e) => box.append(el("pre", { class: "warn" }, String(e))));
      break;
    case "line":
      drawLine(o, box).catch((e) => box.append(el("pre", { class: "warn" }, String(e))));
      break;
    case "graph": {
      const holder = el("div", { class: "graph-svg" });
      box.append(holder);
      renderGraph(o.dot, holder, o.tasks).catch((e) => (holder.textContent = String(e)));
      break;
    }
    case "timing": {
      const parts = [`${o.label}: ${formatMs(o.ms)}`];
      if (o.tasks) parts.push(`${o.tasks} tasks`);
      if (o.cpuMs) parts.push(`CPU in workers ${formatMs(o.cpuMs)}`);
      if (o.peakBytes) parts.push(`peak held ${formatBytes(o.peakBytes)}`);
      parts.push(o.where);
      box.append(el("p", {}, `⏱ ${parts.join(" · ")}`));
      break;
    }
    case "download": {
      const url = URL.createObjectURL(new Blob([o.bytes as BlobPart], { type: "application/zip" }));
      const a = el(
        "a",
        { href: url, download: o.name, class: "download" },
        `Download ${o.name} (${formatBytes(o.bytes.byteLength)})`,
      );
      box.append(a);
      break;
    }
  }
  into.append(box);
}
