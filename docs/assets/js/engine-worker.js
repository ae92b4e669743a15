// Module worker: starts the Python runtime chosen in mkdocs.yml (MicroPython by default, or
// Pyodide), writes the engine's modules and data into its file system, then answers requests
// by calling engine.bridge.call(). All files come from this site, never a CDN.
// The page names the worker after the runtime; the site root is two folders up from this file.
import { CONTRACT } from "./contract.js";

const runtime = self.name;
const root = new URL("../../", import.meta.url).href;
const vendor = root + CONTRACT.assets.vendor_dir;
// Start-up steps, sent to the page with "ready" (the benchmark reads them there).
const mark = (step) => performance.mark("hb-engine-" + step);
mark("worker");

async function text(path) {
  const response = await fetch(root + path);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${path}`);
  return response.text();
}

async function startRuntime() {
  if (runtime === "pyodide") {
    const { loadPyodide } = await import(vendor + "pyodide/pyodide.mjs");
    return loadPyodide({ indexURL: vendor + "pyodide/" });
  }
  const { loadMicroPython } = await import(vendor + "micropython/micropython.mjs");
  mark("runtime-script");
  return loadMicroPython({ stdout: () => {}, stderr: (line) => console.warn(line) });
}

function epochMarks() {
  return performance.getEntriesByType("mark").map((m) => [m.name, performance.timeOrigin + m.startTime]);
}

const ready = (async () => {
  const started = performance.now();
  // The runtime and the engine (one file: modules and data) download side by side.
  const [py, pack] = await Promise.all([
    startRuntime().then((py) => (mark("runtime"), py)),
    text(CONTRACT.assets.engine_bundle).then(JSON.parse).then((pack) => (mark("bundle"), pack)),
  ]);
  py.FS.mkdir("/engine");
  py.FS.mkdir("/engine/data");
  // MicroPython builds ship the modules as bytecode (.mpy, base64), Pyodide builds as sources.
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  for (const [name, source] of Object.entries(pack.modules)) {
    py.FS.writeFile("/engine/" + name, name.endsWith(".mpy") ? bytes(source) : source);
  }
  for (const [name, data] of Object.entries(pack.data)) py.FS.writeFile("/engine/data/" + name + ".json", JSON.stringify(data));
  mark("files");
  py.runPython("import sys\nif '/' not in sys.path:\n    sys.path.insert(0, '/')\n");
  const bridge = py.pyimport("engine.bridge");
  mark("import");
  return { bridge, ms: performance.now() - started };
})();

ready.then(
  ({ ms }) => self.postMessage({ type: "ready", runtime, ms, marks: epochMarks() }),
  (error) => self.postMessage({
    type: "failed",
    internal: String(error && error.message || error),
    message: "评分引擎启动失败：它的文件没有下载完整或已损坏（也可能是浏览器版本过旧）。请刷新页面重试。",
  }),
);

self.onmessage = async (event) => {
  const { id, request } = event.data;
  try {
    const { bridge } = await ready;
    self.postMessage({ type: "reply", id, reply: String(bridge.call(JSON.stringify(request))) });
  } catch (error) {
    self.postMessage({ type: "reply", id, reply: JSON.stringify({
      error: "评分引擎没有启动，这一步无法完成。请刷新页面重试。",
      internal: String(error && error.message || error),
    }) });
  }
};
