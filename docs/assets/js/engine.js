// One Python engine per tab, shared by every calculator, checklist and quiz on every page the
// reader visits (this module outlives Material's instant navigation).
import { CONTRACT } from "./contract.js";

// The worker's messages (CONTRACT.worker); the engine's phase takes the names of the first two.
const { started: READY, broken: FAILED, answer: REPLY } = CONTRACT.worker;
const runtime = document.querySelector(`meta[name="${CONTRACT.meta.runtime}"]`)?.content || "micropython";
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
  if (state.phase === FAILED) return;
  setState({ phase: FAILED, message });
  pending.forEach(({ reject }) => reject(new Error(message)));
  pending.clear();
}

/** Start the worker now (idempotent): pages call it as soon as they know they will need it. */
export function start() {
  if (worker || state.phase === FAILED) return;
  if (location.protocol === "file:") {
    fail("从本地文件（file://）打开的页面不能运行评分引擎：请运行随附的本地服务器（python3 tools/serve.py site）或用任何静态网站服务器打开。");
    return;
  }
  performance.mark("hb-engine-start");
  try {
    worker = new Worker(new URL("engine-worker.js", import.meta.url), { type: "module", name: runtime });
  } catch (error) {
    console.warn(error);
    fail("本浏览器无法启动评分引擎（不支持所需的后台线程）。请换用较新的浏览器。");
    return;
  }
  handOver(worker);
  const timer = setTimeout(() => fail("评分引擎启动超时：网络太慢或文件没有下载完整。请刷新页面重试。"), START_TIMEOUT_MS);
  worker.onmessage = ({ data }) => {
    if (data.type === READY) {
      clearTimeout(timer);
      // The worker's steps on this page's clock, then the start as the page sees it.
      for (const [name, epoch] of data.marks || []) {
        performance.mark(name, { startTime: Math.max(0, epoch - performance.timeOrigin) });
      }
      performance.mark("hb-engine-ready");
      setState({ phase: READY, ms: data.ms });
    } else if (data.type === FAILED) {
      clearTimeout(timer);
      console.warn(data.internal);
      fail(data.message);
    } else if (data.type === REPLY && pending.has(data.id)) {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      const reply = JSON.parse(data.reply);
      if (reply.internal) console.warn(reply.internal);
      if ("error" in reply) reject(new Error(reply.error));
      else resolve(reply.ok);
    }
  };
  worker.onerror = (event) => {
    clearTimeout(timer);
    console.warn(event.message);
    fail("评分引擎启动失败：它的文件没有下载完整或已损坏。请刷新页面重试。");
  };
}

/** The worker's settings, then the engine files this page's head names (tools/preload.py): the page
 * fetches them as it starts the worker — they download beside the runtime instead of after it — and
 * passes them on, so each is requested once. */
function handOver(target) {
  const root = new URL("../../", import.meta.url).href;
  const meta = document.querySelector(`meta[name="${CONTRACT.engineFilesMeta}"]`);
  const paths = meta ? meta.content.split(" ").filter(Boolean) : [];
  target.postMessage({
    type: "init", assets: CONTRACT.assets, engineFs: CONTRACT.engineFs, worker: CONTRACT.worker, handed: paths,
  });
  for (const path of paths) warm(path);
  for (const path of paths) {
    fetch(root + path).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null).then((body) => {
      // The worker fetches a file itself when the page could not (body null).
      target.postMessage({ type: "file", path, body }, body ? [body] : []);
    });
  }
}

/** A spec the page hands over is read, and its module imported, while the page is still loading: the call the
 * kind's page makes first (CONTRACT.warm) is sent for it now, and the reader's first answer finds both done. */
function warm(path) {
  const dir = CONTRACT.assets.engine_data_dir;
  const [bundle, file = ""] = path.startsWith(dir) ? path.slice(dir.length).split("/") : [];
  const request = CONTRACT.warm[bundle];
  if (request && file.endsWith(".json")) call(request.fn, file.slice(0, -".json".length), ...request.args).catch(() => {});
}

/** Call a function of engine.bridge; resolves with its result, rejects with a Chinese message. */
export function call(fn, ...args) {
  start();
  if (state.phase === FAILED) return Promise.reject(new Error(state.message));
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
