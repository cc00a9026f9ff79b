/**
 * `<chunked-cell>`: an editable TypeScript cell (CodeMirror 6) run in the cell runner worker, with
 * a progress bar, a live task view, outputs, errors at the cell, cancel, and for exercises a hint,
 * a revealable solution and a check of the answer.
 */
import { javascript } from "@codemirror/lang-javascript";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorView, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { basicSetup } from "codemirror";
import type { FromRunner } from "../runtime/protocol.js";
import { formatBytes, formatMs } from "./format.js";
import { renderOutput } from "./render.js";
import { cancelCell, runCell } from "./runner-client.js";

// CodeMirror's default colours for template strings and invalid code fail WCAG AA contrast on white.
const contrast = HighlightStyle.define([
  { tag: [tags.regexp, tags.escape, tags.special(tags.string)], color: "#a33200" },
  { tag: tags.invalid, color: "#c00000" },
]);

const q = <T extends Element>(root: Element, sel: string) => root.querySelector(sel) as T;

class ChunkedCell extends HTMLElement {
  #view?: EditorView;
  #runId?: number;

  connectedCallback() {
    const source = q<HTMLElement>(this, "pre.code-fallback");
    const host = q<HTMLElement>(this, ".editor");
    const title = this.dataset.title ?? "cell";
    this.#view = new EditorView({
      doc: source.textContent ?? "",
      parent: host,
      extensions: [
        keymap.of([
          { key: "Shift-Enter", run: () => this.runFromKey() },
          { key: "Mod-Enter", run: () => this.runFromKey() },
        ]),
        basicSetup,
        syntaxHighlighting(contrast),
        javascript({ typescript: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": `Code: ${title}. Shift+Enter runs it.` }),
      ],
    });
    // A long cell scrolls inside the editor: keyboard users reach that region with Tab (WCAG 2.1.1).
    this.#view.scrollDOM.tabIndex = 0;
    source.hidden = true;
    q<HTMLButtonElement>(this, "button.run").addEventListener("click", () => this.run());
    q<HTMLButtonElement>(this, "button.cancel").addEventListener("click", () => this.cancel());
    q<HTMLButtonElement>(this, "button.reset")?.addEventListener("click", () =>
      this.setCode(source.textContent ?? ""),
    );
    q<HTMLButtonElement>(this, "button.use-solution")?.addEventListener("click", () =>
      this.setCode(q<HTMLElement>(this, "pre.solution").textContent ?? ""),
    );
    for (const input of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-param]")) {
      const out = this.querySelector(`output[for="${input.id}"]`);
      input.addEventListener("input", () => {
        if (out) out.textContent = input.value;
      });
      input.addEventListener("change", () => this.run());
    }
    this.#measureOnce(host);
  }

  /**
   * CodeMirror measures line heights only while an editor is in the window: one further down keeps
   * estimates (14 px lines of 30 characters, the line-number gutter sized from them) until it is
   * scrolled to, then changes height and moves everything below it, under the learner's pointer.
   * So each editor is laid out once at its own width inside the window (invisible), measured, and
   * put back; the cell is ready after that.
   */
  #measureOnce(host: HTMLElement) {
    const { left, width } = host.getBoundingClientRect();
    Object.assign(host.style, {
      position: "fixed",
      top: "0",
      left: `${Math.max(0, left)}px`,
      width: `${width}px`,
      boxSizing: "border-box",
      visibility: "hidden",
    });
    this.#view?.requestMeasure({
      read: () => undefined,
      write: () => {
        host.removeAttribute("style");
        this.toggleAttribute("data-ready", true);
      },
    });
  }

  runFromKey(): boolean {
    void this.run();
    return true;
  }

  get code(): string {
    return this.#view?.state.doc.toString() ?? "";
  }

  setCode(code: string) {
    this.#view?.dispatch({ changes: { from: 0, to: this.#view.state.doc.length, insert: code } });
  }

  params(): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    for (const input of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-param]")) {
      const v = input.value;
      out[input.dataset.param!] = v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    return out;
  }

  cancel() {
    if (this.#runId !== undefined) {
      cancelCell(this.#runId);
      this.#status("Cancelling…");
    }
  }

  #status(text: string) {
    q<HTMLElement>(this, ".status").textContent = text;
  }

  async run(): Promise<void> {
    if (this.#runId !== undefined) this.cancel();
    const outputs = q<HTMLElement>(this, ".outputs");
    const bar = q<HTMLProgressElement>(this, "progress");
    const tasks = q<HTMLElement>(this, ".taskview");
    const runBtn = q<HTMLButtonElement>(this, "button.run");
    const cancelBtn = q<HTMLButtonElement>(this, "button.cancel");
    const checkBox = this.querySelector<HTMLElement>(".check-result");
    outputs.replaceChildren();
    tasks.replaceChildren();
    if (checkBox) {
      checkBox.textContent = "";
      checkBox.className = "check-result";
    }
    this.removeAttribute("data-state");
    bar.hidden = false;
    bar.removeAttribute("value");
    cancelBtn.disabled = false;
    runBtn.setAttribute("aria-busy", "true");
    this.#status("Running…");
    const check = this.querySelector<HTMLElement>("pre.check")?.textContent ?? undefined;
    let held = 0;
    const run = runCell({ code: this.code, check, params: this.params() }, (m: FromRunner) => {
      if (m.type === "output") renderOutput(m.output, outputs);
      else if (m.type === "progress") {
        bar.max = m.total;
        bar.value = m.done;
        held = m.bytesHeld;
        this.#status(`Running… ${m.done}/${m.total} tasks`);
      } else if (m.type === "workers") this.#taskView(tasks, m.workers, m.transport, held);
    });
    this.#runId = run.id;
    const done = await run.done;
    if (this.#runId !== run.id) return; // a newer run took over
    this.#runId = undefined;
    bar.hidden = true;
    cancelBtn.disabled = true;
    runBtn.removeAttribute("aria-busy");
    if (done.ok) {
      this.#status(`Done in ${formatMs(done.ms)}`);
      this.setAttribute("data-state", "done");
    } else {
      const e = done.error!;
      const box = document.createElement("div");
      box.className = "out out-error";
      box.setAttribute("role", "alert");
      const where = e.line ? ` (line ${e.line})` : "";
      box.textContent = `${e.name}${where}: ${e.message}${e.detail ? `\n  caused by ${e.detail}` : ""}`;
      outputs.append(box);
      this.#status(e.name === "AbortError" ? "Cancelled" : "Failed");
      this.setAttribute("data-state", e.name === "AbortError" ? "cancelled" : "error");
    }
    if (checkBox && done.check) {
      checkBox.textContent = done.check.ok ? `✓ ${done.check.message}` : `✗ ${done.check.message}`;
      checkBox.className = `check-result ${done.check.ok ? "pass" : "fail"}`;
      this.setAttribute("data-check", done.check.ok ? "pass" : "fail");
    } else this.removeAttribute("data-check");
  }

  #taskView(
    into: HTMLElement,
    workers: { running: number; done: number }[],
    transport: string,
    held: number,
  ) {
    const rows = workers.map((w, i) => {
      const li = document.createElement("li");
      const meter = document.createElement("meter");
      meter.max = 8;
      meter.value = Math.min(8, w.running);
      meter.setAttribute("aria-label", `worker ${i + 1} tasks running`);
      li.append(`worker ${i + 1} `, meter, ` ${w.running} running · ${w.done} done`);
      return li;
    });
    const ul = document.createElement("ul");
    ul.append(...rows);
    const p = document.createElement("p");
    p.textContent = `Web pool (${transport === "shared" ? "SharedArrayBuffer" : "transfer"}) · chunks held ${formatBytes(held)}`;
    into.replaceChildren(p, ul);
  }
}

customElements.define("chunked-cell", ChunkedCell);
