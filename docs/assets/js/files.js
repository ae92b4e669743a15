// Saving in this browser only, and moving that data in and out as a file the reader controls.

/** Read a JSON value from localStorage; a damaged entry reads as `fallback` (and is left in place). */
export function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Offer `value` as a JSON file download; nothing is sent anywhere. */
export function download(filename, value) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Parse a chosen file as JSON; rejects with a Chinese message when it is not JSON at all. */
export async function readJSON(file) {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`导入失败，已保存的内容没有改动：“${file.name}”不是有效的 JSON 文件（可能已损坏）。`);
  }
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
  box.querySelector('[data-data="export"]').addEventListener("click", () => onExport(say));
  box.querySelector('[data-data="clear"]').addEventListener("click", () => {
    if (confirm(`确定清除本机保存的全部${label}吗？此操作不能撤销，建议先导出。`)) onClear(say);
  });
  box.querySelector('[data-data="import"]').addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    try {
      await onImport(await readJSON(file), say);
    } catch (error) {
      say(error.message);
    }
  });
  return box;
}
