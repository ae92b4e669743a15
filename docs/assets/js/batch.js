// Batch scoring on a calculator page: a CSV file chosen or dropped here is read on this device,
// scored row by row by the engine in the worker (engine/batch.py, the same code as the command
// line), shown as a table with invalid rows marked, and offered back as a scored CSV.
import { call } from "./engine.js";
import { sel, read } from "./contract.js";
import { downloadText } from "./files.js";

// Rows per worker call. Larger calls were slower under MicroPython (its small heap is collected
// more often), and 500 rows still move the progress bar several times a second.
const CHUNK = 500;
const AHEAD = 3; // calls queued in the worker at once, so it never waits for the page between chunks
const SHOWN = 100; // rows drawn in the table (every invalid row is drawn as well)

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function csvText(header, rows) {
  const quote = (value) => (/[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value);
  return "\ufeff" + [header, ...rows].map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n";
}

/** The file's text: UTF-8 (BOM or not) first; GB18030 only when UTF-8 fails. null when neither decodes. */
function decode(buffer) {
  for (const encoding of ["utf-8", "gb18030"]) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(buffer), encoding };
    } catch { /* try the next encoding */ }
  }
  return null;
}

const ENCODING_HINT = "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”后再试。";

async function scoreFile(root, file) {
  const id = read(root, "batch");
  const status = root.querySelector(sel("batch_status"));
  const progress = root.querySelector(sel("batch_progress"));
  const download = root.querySelector(sel("batch_download"));
  const table = root.querySelector(sel("batch_table"));
  const say = (text) => { status.textContent = text; };
  download.hidden = true;
  table.replaceChildren();
  delete root.dataset.done;
  if (file.size > Number(read(root, "batch_max_bytes"))) {
    say(`文件“${file.name}”有 ${(file.size / 1048576).toFixed(1)} MB，超过上限 ${Number(read(root, "batch_max_bytes")) / 1048576} MB；请拆成几个文件。`);
    root.dataset.done = "refused";
    return;
  }
  const decoded = decode(await file.arrayBuffer());
  if (!decoded) {
    say(`无法识别文件“${file.name}”的编码：既不是 UTF-8，也不是 GB18030/GBK。` + ENCODING_HINT);
    root.dataset.done = "refused";
    return;
  }
  const parsed = parseCSV(decoded.text);
  if (!parsed.length) {
    say(`文件“${file.name}”是空的。`);
    root.dataset.done = "refused";
    return;
  }
  const [header, ...rows] = parsed;
  const total = rows.length;
  let out;
  try {
    out = await call("score_table", id, header, [], 2, total);
  } catch (error) {
    // A GB18030 reading whose header is not this scale's is taken as a file in some other encoding.
    say(decoded.encoding === "gb18030"
      ? `无法识别文件“${file.name}”的编码：既不是 UTF-8，也不是 GB18030/GBK。` + ENCODING_HINT
      : error.message);
    root.dataset.done = "refused";
    return;
  }
  const scored = [];
  // Cells a spreadsheet would run as formulas, with the engine's safe text (engine/batch.py safe_cell).
  const guard = [];
  const bad = [];
  let invalid = 0;
  let incomplete = 0;
  progress.hidden = false;
  progress.max = Math.max(total, 1);
  const send = (start) => {
    const chunk = rows.slice(start, start + CHUNK);
    const reply = call("score_table", id, header, chunk, 2 + start, total).then((part) => ({ part, chunk }));
    reply.catch(() => {}); // a failure is reported once, by the await below
    return reply;
  };
  const queued = [];
  for (let start = 0; start < total && queued.length < AHEAD; start += CHUNK) queued.push(send(start));
  try {
    for (let start = 0; start < total; start += CHUNK) {
      const { part, chunk } = await queued.shift();
      if (start + AHEAD * CHUNK < total) queued.push(send(start + AHEAD * CHUNK));
      // The engine sends back only the cells it adds; the input cells it keeps go in front.
      part.guard.forEach(([n, position, safe]) => guard.push([scored.length + n, position, safe]));
      part.offsets.forEach((offset, n) => {
        scored.push(part.keep.map((i) => chunk[offset][i] ?? "").concat(part.cells[n]));
      });
      bad.push(...part.bad);
      invalid += part.invalid;
      incomplete += part.incomplete;
      progress.value = Math.min(start + CHUNK, total);
      say(`正在计分：${progress.value} / ${total} 行……`);
    }
  } catch (error) {
    progress.hidden = true;
    say(error.message);
    root.dataset.done = "refused";
    return;
  }
  progress.hidden = true;
  drawTable(table, out.header, scored, bad);
  const rawBox = root.querySelector(".hb-batch__raw input");
  download.onclick = () => {
    const text = rawBox.checked ? csvText(out.header, scored) : csvText(out.safe_header, guarded(scored, guard));
    downloadText(file.name.replace(/\.csv$/i, "") + ".scored.csv", text, "text/csv");
  };
  download.hidden = false;
  const summary = `共 ${scored.length} 行：计分 ${scored.length - invalid - incomplete} 行，未完成 ${incomplete} 行，`
    + `无效 ${invalid} 行（编码 ${decoded.encoding}）。` + (invalid ? "无效的行已标红，改正后重新选择文件即可。" : "");
  const sayNote = () => say(summary + (rawBox.checked ? out.raw_note : out.note));
  rawBox.onchange = sayNote;
  sayNote();
  root.dataset.done = invalid ? "invalid" : "ok";
}

/** The rows with the engine's safe text in place of each guarded cell (the table on screen shows them as read). */
function guarded(rows, guard) {
  const out = rows.map((row) => row.slice());
  guard.forEach(([n, position, safe]) => { out[n][position] = safe; });
  return out;
}

/** «按原样写出» for analysis software: off by default, so a file opened in Excel or WPS runs no formula. */
function rawOption(download) {
  const label = document.createElement("label");
  label.className = "hb-batch__raw";
  const box = Object.assign(document.createElement("input"), { type: "checkbox" });
  label.append(box, " 下载时按原样写出单元格（不加防公式的单引号，供统计软件读取）");
  const line = document.createElement("p");
  line.append(label);
  download.before(line);
}

function drawTable(box, header, rows, bad) {
  const tableEl = document.createElement("table");
  tableEl.className = "hb-batch__grid"; // a class keeps Material from making the table its own scroll box
  const head = tableEl.createTHead().insertRow();
  header.forEach((name) => { const th = document.createElement("th"); th.textContent = name; head.append(th); });
  const body = tableEl.createTBody();
  rows.forEach((row, index) => {
    if (index >= SHOWN && !bad[index]) return;
    const tr = body.insertRow();
    if (bad[index]) tr.className = "hb-batch__bad";
    row.forEach((value) => { tr.insertCell().textContent = value; });
  });
  const note = document.createElement("p");
  if (rows.length > SHOWN) note.textContent = `表中只列出前 ${SHOWN} 行和全部无效的行；完整结果请下载。`;
  box.replaceChildren(tableEl, note);
  // The table scrolls inside its box; keyboard users need to be able to focus the box to scroll it.
  Object.assign(box, { tabIndex: 0 });
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "计分结果表");
}

function setup(root) {
  root.dataset.wired = "true";
  rawOption(root.querySelector(sel("batch_download")));
  const input = root.querySelector(sel("batch_file"));
  const drop = root.querySelector(sel("batch_drop"));
  input.addEventListener("change", () => {
    const file = input.files[0];
    input.value = "";
    if (file) scoreFile(root, file);
  });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("hb-batch__drop--over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("hb-batch__drop--over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("hb-batch__drop--over");
    const file = event.dataTransfer.files[0];
    if (file) scoreFile(root, file);
  });
  root.querySelector(sel("batch_template")).addEventListener("click", () => {
    downloadText(read(root, "batch") + "-template.csv", csvText(JSON.parse(read(root, "batch_header")), []), "text/csv");
  });
}

export function wire(doc) {
  doc.querySelectorAll(`${sel("batch")}:not([data-wired])`).forEach(setup);
}
