// Saving in this browser only, and moving that data in and out as a file the reader controls.
// Every read of saved data is checked by the engine; anything unreadable is set aside untouched
// (never overwritten) and the reader is told; every write reports failure instead of throwing.
import { CONTRACT, storageKey as keyOf } from "./contract.js";
import { call } from "./engine.js";

const siteRoot = new URL(window.handbookRoot || new URL("../../", import.meta.url)).pathname;
const stores = new Map();

/** The localStorage key of a store for this copy of the handbook (its root path is part of it). */
export function storageKey(name) {
  return keyOf(siteRoot, name);
}

function readRaw(key) {
  try {
    return { raw: localStorage.getItem(key), ok: true };
  } catch {
    return { raw: null, ok: false };
  }
}

function why(error) {
  return error && error.name === "QuotaExceededError"
    ? "浏览器为本站保留的存储空间已满"
    : "浏览器不允许本站保存数据（可能处于无痕模式，或存储已被禁用）";
}

class Store {
  constructor(name, empty) {
    this.name = name;
    this.firstRead = true;
    this.key = storageKey(name);
    this.quarantineKey = `${this.key}:${CONTRACT.quarantine}`;
    this.empty = empty;
    this.raw = undefined;
    this.value = null;
    this.problem = "";   // what was found in storage and set aside
    this.unsaved = "";   // why the last write failed
    this.blocked = false; // set-aside data could not be kept elsewhere: never write over it
    this.listeners = new Set();
  }

  kindName() {
    return CONTRACT.kindNames[CONTRACT.storeKinds[this.name]];
  }

  changed() {
    this.listeners.forEach((fn) => fn(this));
  }

  /** The current store, checked; damaged or newer-format data is set aside and an empty store is used. */
  async get() {
    let { raw, ok } = readRaw(this.key);
    if (!ok && !this.unsaved) {
      this.unsaved = why(null);
      this.changed();
    }
    if (raw === null) raw = readRaw(CONTRACT.legacyKeys[this.name]).raw;
    if (this.firstRead) {
      this.firstRead = false;
      this.remindSetAside();
    }
    if (raw === this.raw && this.value) return this.value;
    this.raw = raw;
    if (raw === null) {
      this.value = this.empty();
      return this.value;
    }
    let problem = "";
    try {
      const value = JSON.parse(raw);
      await checkInPieces(CONTRACT.storeKinds[this.name], value, this.name);
      this.value = value;
    } catch (error) {
      problem = error instanceof SyntaxError ? `本机保存的${this.kindName()}已损坏（内容不完整）` : error.message;
    }
    if (problem) this.setAside(raw, problem);
    return this.value;
  }

  setAside(raw, problem) {
    this.value = this.empty();
    let key = this.quarantineKey;
    const held = readRaw(key).raw;
    if (held !== null && held !== raw) key = `${this.quarantineKey}:${Date.now()}`;
    try {
      if (held !== raw) localStorage.setItem(key, raw);
      this.problem = `${problem}。原来的内容已原样另存，不会被覆盖；可以下载下来保存或交给技术人员查看。现在从空白开始记录。`;
    } catch (error) {
      this.blocked = true;
      this.problem = `${problem}。原来的内容仍在原处，为了不覆盖它，本页不会保存新的记录（${why(error)}）。请下载原内容后再决定是否删除。`;
    }
    this.quarantined = raw;
    this.changed();
  }

  /** Data set aside on an earlier visit stays until the reader deletes it: say so on every visit. */
  remindSetAside() {
    let held = null;
    try {
      const key = Object.keys(localStorage).find((k) => k.startsWith(this.quarantineKey));
      held = key ? localStorage.getItem(key) : null;
    } catch { /* storage unreadable: said elsewhere */ }
    if (held === null) return;
    this.quarantined = held;
    this.problem = `本机有一份之前无法读取的${this.kindName()}，已原样另存，没有被覆盖。可以下载下来保存，确认不再需要后再删除。`;
    this.changed();
  }

  /** Save the store; false (and one "未能保存" notice) when the browser refuses. */
  save(value) {
    this.value = value;
    if (this.blocked) return false;
    const text = JSON.stringify(value);
    try {
      localStorage.setItem(this.key, text);
      this.raw = text;
      return true;
    } catch (error) {
      if (!this.unsaved) {
        this.unsaved = why(error);
        this.changed();
      }
      return false;
    }
  }

  /** Start again from an empty store (the set-aside copy, if any, stays until the reader deletes it). */
  clear() {
    return this.save(this.empty());
  }

  discardQuarantine() {
    try {
      Object.keys(localStorage).filter((k) => k.startsWith(this.quarantineKey)).forEach((k) => localStorage.removeItem(k));
      if (this.blocked) localStorage.removeItem(this.key);
    } catch { /* nothing more can be done; the notice stays */ }
    this.blocked = false;
    this.problem = "";
    this.quarantined = undefined;
    this.changed();
  }
}

/** The one Store object per store name in this tab (shared by every page instant navigation shows). */
export function openStore(name, empty) {
  if (!stores.has(name)) stores.set(name, new Store(name, empty));
  return stores.get(name);
}

/** A notice area for a store: what was set aside (with download / delete) and whether saving failed. */
export function storeNotice(store) {
  const box = document.createElement("div");
  box.className = "hb-data__notice hb-noprint";
  box.setAttribute("role", "alert");
  const draw = () => {
    box.replaceChildren();
    if (store.problem) {
      const p = document.createElement("p");
      p.textContent = store.problem;
      const get = Object.assign(document.createElement("button"), { type: "button", className: "md-button", textContent: "下载原内容" });
      get.addEventListener("click", () => downloadText(`handbook-${store.name}-original-${today()}.txt`, store.quarantined));
      const drop = Object.assign(document.createElement("button"), { type: "button", className: "md-button", textContent: "删除原内容" });
      drop.addEventListener("click", () => {
        if (confirm("确定删除另存的原内容吗？删除后不能恢复，建议先下载。")) store.discardQuarantine();
      });
      box.append(p, get, drop);
    }
    if (store.unsaved) {
      const p = document.createElement("p");
      p.textContent = `未能保存：${store.unsaved}。本页照常使用，但关闭页面后这些记录不会保留；请用“导出”另存为文件。`;
      box.append(p);
    }
    box.hidden = !box.childElementCount;
  };
  store.listeners.add(draw);
  draw();
  return box;
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function offer(filename, blob) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Offer text as a file download; nothing is sent anywhere. */
export function downloadText(filename, text, type = "text/plain") {
  offer(filename, new Blob([text], { type: `${type};charset=utf-8` }));
}

/** Export `data` of `kind` as the handbook's file envelope. */
export function exportFile(filename, kind, data) {
  const envelope = { app: CONTRACT.app, kind, format: CONTRACT.formats[kind], data };
  offer(filename, new Blob([JSON.stringify(envelope)], { type: "application/json" }));
}

const REFUSED = "导入失败，已保存的内容没有改动：";
// The engine is sent big data in pieces of about this many characters of JSON: MicroPython's JSON
// handling slows down more than linearly with the size of one message, pieces keep it linear, and
// scoring requests from the calculators are answered between two pieces.
const PIECE = 32 * 1024;
// Keys longer than this reach the engine as their beginning and end (still too long to be a label);
// long values with the characters the engine does not read collapsed (see TEXT_KEPT in the contract).
// What gets saved is always the reader's full text.
const LONG = 4000;
const KEPT = CONTRACT.textKept.replace(/[-\]\\^]/g, "\\$&");
const OTHER_RUNS = new RegExp(`[^${KEPT}]+`, "g");
const COLLECTIONS = { cases: { cases: {} }, "exam-progress": { notebook: {}, answers: {}, exams: [] } };

function shortText(text) {
  return text.length > LONG ? `${text.slice(0, LONG / 2)} … ${text.slice(-LONG / 2)}` : text;
}

function shortened(value) {
  if (typeof value === "string") return value.length > CONTRACT.textCollapseOver ? value.replace(OTHER_RUNS, "·") : value;
  if (Array.isArray(value)) return value.map(shortened);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[shortText(key)] = shortened(item);
    return out;
  }
  return value;
}

function isPlain(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Have the engine check `value` (an import envelope when `store` is absent, else a stored value)
 * in pieces; rejects with the engine's Chinese message. Resolves with the case labels whose notes
 * look like ID or phone numbers.
 */
export async function checkInPieces(kind, value, store, progress = () => {}) {
  const data = store ? value : value?.data;
  const head = isPlain(data) ? { ...data } : data;
  const parts = [];
  if (isPlain(data)) {
    for (const [name, empty] of Object.entries(COLLECTIONS[kind])) {
      const entries = data[name];
      if (Array.isArray(empty) ? !Array.isArray(entries) : !isPlain(entries)) continue;
      head[name] = empty;
      let piece = Array.isArray(empty) ? [] : {};
      let size = 0;
      const flush = () => {
        parts.push({ [name]: piece });
        piece = Array.isArray(empty) ? [] : {};
        size = 0;
      };
      for (const [key, entry] of Object.entries(entries)) {
        const short = shortened(entry);
        size += JSON.stringify(short).length + key.length;
        if (Array.isArray(piece)) piece.push(short);
        else piece[shortText(key)] = short;
        if (size > PIECE) flush();
      }
      if (size) flush();
    }
  }
  if (store) await call("check_store", store, shortened(head));
  else await call("check_import", kind, shortened({ ...value, data: head }));
  const risky = [];
  for (const [index, part] of parts.entries()) {
    if (parts.length > 4) progress(`正在检查文件内容……${Math.round((100 * index) / parts.length)}%`);
    risky.push(...await call("check_part", kind, part, store ? "store" : "import"));
  }
  return risky;
}

/**
 * How imported entries relate to saved ones: new, identical, or different (a conflict the reader
 * decides). Entries whose key is not in `known` (when given) are counted as ignored.
 */
export function mergePlan(saved, incoming, known) {
  const plan = { added: [], conflicts: [], ignored: 0, saved: Object.keys(saved).length };
  for (const key of Object.keys(incoming)) {
    if (known && !known.has(key)) plan.ignored++;
    else if (!Object.hasOwn(saved, key)) plan.added.push(key);
    else if (JSON.stringify(saved[key]) !== JSON.stringify(incoming[key])) plan.conflicts.push(key);
  }
  return plan;
}

/** The merged entries: additions always, conflicts only when the reader chose to replace. */
export function applyPlan(saved, incoming, plan, replace) {
  const out = { ...saved };
  for (const key of plan.added) out[key] = incoming[key];
  if (replace) for (const key of plan.conflicts) out[key] = incoming[key];
  return out;
}

/** Refuse duplicate keys, prototype-changing keys and absurd nesting, in one pass over the text. */
export function scanJSON(text) {
  const stack = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) { // a string: find its end, then see whether it is a key
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 34) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top && top.expectKey) {
        let key;
        try { key = JSON.parse(text.slice(i, j + 1)); } catch { return null; }
        if (key === "__proto__" || key === "constructor" || key === "prototype") return `文件中有不允许的名称“${key}”`;
        if (top.keys.has(key)) return `文件中同一处出现了两个“${key.slice(0, 24)}”，无法确定用哪一个`;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 123 || c === 91) {
      stack.push({ keys: c === 123 ? new Set() : null, expectKey: c === 123 });
      if (stack.length > CONTRACT.maxDepth) return "文件的内容嵌套过深，不是本手册导出的格式";
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top && top.keys) top.expectKey = true;
    }
    i++;
  }
  return null;
}

/** Read a chosen file as the handbook's JSON; rejects with a Chinese message saying what is wrong. */
export async function readJSON(file, say = () => {}) {
  if (file.size > CONTRACT.importLimitBytes) {
    throw new Error(`${REFUSED}文件有 ${(file.size / 1048576).toFixed(1)} MB，超过了导入上限 ${CONTRACT.importLimitText}。本手册导出的文件通常只有几十 KB，请确认选对了文件。`);
  }
  say("正在读取文件……");
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new Error(`${REFUSED}“${file.name}”不是 UTF-8 编码的文本（可能被其他程序用 GBK 等编码另存过）。请使用本手册“导出”得到的原文件。`);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${REFUSED}“${file.name}”不是有效的 JSON 文件（可能已损坏）。`);
  }
  const problem = scanJSON(text);
  if (problem) throw new Error(`${REFUSED}${problem}。`);
  return value;
}

/** Export / import / clear controls wired to the given callbacks; returns the element. */
export function dataControls({ label, onExport, onImport, onClear }) {
  const box = document.createElement("div");
  box.className = "hb-data hb-noprint";
  const id = "hb-import-" + Math.random().toString(36).slice(2, 8);
  box.innerHTML = `
    <button type="button" class="md-button" data-data="export">导出${label}</button>
    <input type="file" id="${id}" accept="application/json,.json" class="hb-visually-hidden" data-data="import">
    <label class="md-button" for="${id}">导入${label}</label>
    <button type="button" class="md-button" data-data="clear">清除全部${label}</button>
    <p class="hb-data__message" role="status" aria-live="polite"></p>`;
  const message = box.querySelector(".hb-data__message");
  const say = (text) => { message.textContent = text; };
  const guard = (fn) => async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      say(error.message);
    }
  };
  box.querySelector('[data-data="export"]').addEventListener("click", guard(() => onExport(say)));
  box.querySelector('[data-data="clear"]').addEventListener("click", guard(() => {
    if (confirm(`确定清除本机保存的全部${label}吗？此操作不能撤销，建议先导出。`)) return onClear(say);
  }));
  box.querySelector('[data-data="import"]').addEventListener("change", guard(async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    const value = await readJSON(file, say);
    say("正在检查文件内容……");
    await onImport(value, say);
  }));
  return box;
}

/** The reader's choice about conflicting entries: replace them only when asked and confirmed. */
export function askReplace(plan, what) {
  if (!plan.conflicts.length) return false;
  const names = plan.conflicts.slice(0, 5).join("、") + (plan.conflicts.length > 5 ? " 等" : "");
  return confirm(`文件中有 ${plan.conflicts.length} 个${what}与本机保存的不同：${names}。\n确定用文件中的内容替换它们吗？\n选“取消”则保留本机的内容，只导入新增的部分。`);
}

/** "新增 a 个，替换 u 个，保持不变 k 个" for an applied plan. */
export function mergeSummary(plan, replaced, unit) {
  const updated = replaced ? plan.conflicts.length : 0;
  return `新增 ${plan.added.length} ${unit}，替换 ${updated} ${unit}，本机原有的 ${plan.saved - updated} ${unit}保持不变`;
}
