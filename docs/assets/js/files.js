// Saving in this browser only, and moving that data in and out as a file the reader controls.
// Every read of saved data is checked by the engine; anything unreadable is set aside untouched
// (never overwritten) and the reader is told; every write reports failure instead of throwing.
import { CONTRACT } from "./contract.js";

export { openStore, storageKey, checkInPieces } from "./store.js";

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
      let downloaded = false;
      get.addEventListener("click", () => {
        downloadText(`handbook-${store.name}-original-${today()}.txt`, store.offeredText());
        downloaded = true;
      });
      const drop = Object.assign(document.createElement("button"), { type: "button", className: "md-button", textContent: "删除原内容" });
      drop.addEventListener("click", () => {
        const ask = downloaded ? "确定删除另存的原内容吗？删除后不能恢复。" : "还没有下载原内容。确定删除吗？删除后不能恢复，建议先下载。";
        if (confirm(ask)) store.discardOffered();
      });
      box.append(p, get, drop);
    }
    if (store.info) {
      box.append(Object.assign(document.createElement("p"), { textContent: store.info }));
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

/** Offer an export envelope (made by the engine's "export" transition) as a file. */
export function exportFile(filename, envelope) {
  offer(filename, new Blob([JSON.stringify(envelope)], { type: "application/json" }));
}

const REFUSED = "导入失败，已保存的内容没有改动：";
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
