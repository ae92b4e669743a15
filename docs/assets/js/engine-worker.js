// Module worker: starts the Python runtime chosen in mkdocs.yml (MicroPython by default, or
// Pyodide), writes the engine's modules into its file system, then answers requests by calling
// engine.bridge.call(). A spec (one instrument or checklist) is read the first time a request
// needs it. All files come from this site, never a CDN.
// The page names the worker after the runtime and sends its settings first ("init": the contract's
// asset paths, and the files it will hand over — those its head preloaded, see engine.js), so that
// no file is requested twice; the site root is two folders up from this file.
const runtime = self.name;
const root = new URL("../../", import.meta.url).href;
// The contract's worker messages come with the settings ("init"): this worker imports no module of its own.
let READY, FAILED, REPLY, NEED;
// Start-up steps, sent to the page with the start message (the benchmark reads them there).
const mark = (step) => performance.mark("hb-engine-" + step);
mark("worker");

let settle;
const settings = new Promise((resolve) => { settle = resolve; });
const handed = new Map(); // path -> promise of the bytes the page passes on (null: fetch it here)

async function bytes(path) {
  const passed = handed.has(path) ? await handed.get(path).promise : null;
  if (passed) return passed;
  const response = await fetch(root + path);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${path}`);
  return response.arrayBuffer();
}

async function text(path) {
  return new TextDecoder().decode(await bytes(path));
}

// The wasm downloads and compiles from here on, beside the runtime's script, instead of after it:
// the runtime's loader (Emscripten, which instantiates with instantiateStreaming) gets this module,
// and is pointed at an empty stand-in so that it does not download the runtime a second time.
const COMPILED_ELSEWHERE = "data:application/wasm;base64,";
function compileEarly(url) {
  const compiled = WebAssembly.compileStreaming(fetch(url));
  compiled.catch(() => {}); // a failed download or compile is reported by the loader below
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (_standIn, imports) => {
    WebAssembly.instantiateStreaming = instantiateStreaming;
    const module = await compiled;
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
}

async function startRuntime(vendor) {
  if (runtime === "pyodide") {
    const { loadPyodide } = await import(root + vendor + "pyodide/pyodide.mjs");
    return loadPyodide({ indexURL: root + vendor + "pyodide/" });
  }
  compileEarly(root + vendor + "micropython/micropython.wasm");
  const { loadMicroPython } = await import(root + vendor + "micropython/micropython.mjs");
  mark("runtime-script");
  return loadMicroPython({ url: COMPILED_ELSEWHERE, stdout: () => {}, stderr: (line) => console.warn(line) });
}

const base64 = (b64) => (Uint8Array.fromBase64 ? Uint8Array.fromBase64(b64) : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

let DATA_DIR, DATA_PATH;
const ready = settings.then(async ({ assets, engineFs }) => {
  const started = performance.now();
  const { modules: MODULE_DIR, index: INDEX } = engineFs;
  DATA_DIR = engineFs.data;
  DATA_PATH = assets.engine_data_dir;
  // The runtime and the engine (one file: modules and the ids of the specs) download side by side.
  const [py, pack] = await Promise.all([
    startRuntime(assets.vendor_dir).then((py) => (mark("runtime"), py)),
    text(assets.engine_bundle).then(JSON.parse).then((pack) => (mark("bundle"), pack)),
  ]);
  py.FS.mkdir(MODULE_DIR.slice(0, -1));
  py.FS.mkdir(DATA_DIR.slice(0, -1));
  for (const kind of Object.keys(pack.specs)) py.FS.mkdir(DATA_DIR + kind);
  py.FS.writeFile(DATA_DIR + INDEX, JSON.stringify(pack.specs));
  // MicroPython builds ship the modules as bytecode (.mpy, base64), Pyodide builds as sources.
  for (const [name, source] of Object.entries(pack.modules)) {
    py.FS.writeFile(MODULE_DIR + name, name.endsWith(".mpy") ? base64(source) : source);
  }
  mark("files");
  py.runPython("import sys\nif '/' not in sys.path:\n    sys.path.insert(0, '/')\n");
  const bridge = py.pyimport("engine.bridge");
  mark("import");
  return { py, bridge, ms: performance.now() - started };
});

function epochMarks() {
  return performance.getEntriesByType("mark").map((m) => [m.name, performance.timeOrigin + m.startTime]);
}

ready.then(
  ({ ms }) => self.postMessage({ type: READY, runtime, ms, marks: epochMarks() }),
  (error) => self.postMessage({
    type: FAILED,
    internal: String(error && error.message || error),
    message: "评分引擎启动失败：它的文件没有下载完整或已损坏（也可能是浏览器版本过旧）。请刷新页面重试。",
  }),
);

async function answer(request) {
  const { py, bridge } = await ready;
  const call = JSON.stringify(request);
  let reply = String(bridge.call(call));
  // The bridge asks for a spec it has not read yet ({NEED: "<kind>/<id>"}): fetch it, ask again.
  if (reply.startsWith(`{"${NEED}"`)) {
    const need = JSON.parse(reply)[NEED];
    let spec;
    try {
      spec = await text(DATA_PATH + need + ".json");
    } catch (error) {
      return JSON.stringify({
        error: "这份量表或清单的数据没有下载下来（离线时只能使用已缓存的内容）。请联网后刷新页面重试。",
        internal: String(error && error.message || error),
      });
    }
    py.FS.writeFile(DATA_DIR + need + ".json", spec);
    reply = String(bridge.call(call));
  }
  return reply;
}

// One request at a time, in the order they came: a reply never overtakes an earlier one while that
// one waits for its spec.
let queue = ready.catch(() => {});
self.onmessage = (event) => {
  if (event.data.type === "init") {
    ({ started: READY, broken: FAILED, answer: REPLY, needs_spec: NEED } = event.data.worker);
    for (const path of event.data.handed) {
      const entry = {};
      entry.promise = new Promise((resolve) => { entry.resolve = resolve; });
      handed.set(path, entry);
    }
    settle(event.data);
    return;
  }
  if (event.data.type === "file") {
    handed.get(event.data.path)?.resolve(event.data.body);
    return;
  }
  const { id, request } = event.data;
  queue = queue.then(() => answer(request)).then(
    (reply) => self.postMessage({ type: REPLY, id, reply }),
    (error) => self.postMessage({ type: REPLY, id, reply: JSON.stringify({
      error: "评分引擎没有启动，这一步无法完成。请刷新页面重试。",
      internal: String(error && error.message || error),
    }) }),
  );
};
