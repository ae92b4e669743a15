// One Python engine per tab, shared by every calculator, checklist and quiz on every page the
// reader visits (this module outlives Material's instant navigation).
const runtime = document.querySelector('meta[name="hb-runtime"]')?.content || "micropython";
const START_TIMEOUT_MS = runtime === "pyodide" ? 120000 : 30000;
const pending = new Map();
let worker = null;
let sequence = 0;
let state = { phase: "starting", runtime, message: "" };
const listeners = new Set();

function setState(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}

function fail(message) {
  if (state.phase === "failed") return;
  setState({ phase: "failed", message });
  pending.forEach(({ reject }) => reject(new Error(message)));
  pending.clear();
}

/** Start the worker now (idempotent): pages call it as soon as they know they will need it. */
export function start() {
  if (worker || state.phase === "failed") return;
  try {
    worker = new Worker(new URL("engine-worker.js", import.meta.url), { type: "module", name: runtime });
  } catch (error) {
    fail("本页无法启动评分引擎（" + (location.protocol === "file:" ? "从本地文件打开的页面不能运行它" : error.message) + "）。");
    return;
  }
  const timer = setTimeout(() => fail("评分引擎启动超时。"), START_TIMEOUT_MS);
  worker.onmessage = ({ data }) => {
    if (data.type === "ready") {
      clearTimeout(timer);
      performance.mark("hb-engine-ready");
      setState({ phase: "ready", ms: data.ms });
    } else if (data.type === "failed") {
      clearTimeout(timer);
      fail("评分引擎启动失败：" + data.message);
    } else if (data.type === "reply" && pending.has(data.id)) {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      const reply = JSON.parse(data.reply);
      if ("error" in reply) reject(new Error(reply.error));
      else resolve(reply.ok);
    }
  };
  worker.onerror = (event) => {
    clearTimeout(timer);
    fail("评分引擎启动失败" + (event.message ? "：" + event.message : "。"));
  };
}

/** Call a function of engine.bridge; resolves with its result, rejects with a Chinese message. */
export function call(fn, ...args) {
  start();
  if (state.phase === "failed") return Promise.reject(new Error(state.message));
  return new Promise((resolve, reject) => {
    const id = ++sequence;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, request: { fn, args } });
  });
}

/** Follow the engine's phase (starting → ready | failed); called at once with the current state. */
export function watch(fn) {
  start();
  listeners.add(fn);
  fn(state);
  return () => listeners.delete(fn);
}

export const RUNTIME_NAMES = { micropython: "MicroPython", pyodide: "Pyodide" };
