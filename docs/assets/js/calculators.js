// Scale calculators: read the form rendered at build time, score it with the Python engine in
// the worker, and show the result. A number is shown only when it is the score of what is on
// the form right now: while a newer answer is being scored the display says so.
import { call, watch, RUNTIME_NAMES } from "./engine.js";
import { today } from "./files.js";

const before = new Map(); // pre-test results per instrument, this tab only (nothing is stored)

window.calculators = {
  /** Test contract: score(id, answers) → Promise of the engine's result object. */
  score: (id, answers) => call("score", id, answers),
};

function answersOf(root) {
  const answers = {};
  const keys = new Set(Array.from(root.querySelectorAll("[data-item]"), (el) => el.dataset.item));
  for (const key of keys) {
    const inputs = Array.from(root.querySelectorAll(`[data-item="${CSS.escape(key)}"]`));
    const kind = inputs[0].type;
    if (kind === "radio") {
      const chosen = inputs.find((el) => el.checked);
      answers[key] = chosen ? Number(chosen.value) : null;
    } else if (kind === "checkbox") {
      // Count items (SSRS 6/7): "none" ticked = 0 sources; nothing ticked = not answered.
      const ticked = inputs.filter((el) => el.checked);
      answers[key] = ticked.length === 0 ? null : ticked.filter((el) => el.value !== "none").length;
    } else {
      const raw = inputs[0].value.trim();
      // A non-numeric entry goes to the engine as text so that it can say what is wrong with it.
      answers[key] = raw === "" ? null : (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    }
  }
  return answers;
}

function formatNumber(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0$/, "");
}

function field(root, name) {
  return root.querySelector(`[data-result="${name}"]`);
}

function clearResult(root, statusText) {
  field(root, "total").textContent = "—";
  field(root, "band").textContent = "";
  field(root, "subscales").textContent = "";
  field(root, "missing").textContent = "";
  field(root, "error").textContent = "";
  root.querySelectorAll("[data-band-note], [data-flag-note]").forEach((el) => { el.hidden = true; });
  if (statusText !== undefined) field(root, "status").textContent = statusText;
  delete root.dataset.complete;
}

function showResult(root, result) {
  clearResult(root);
  const subscaleNames = JSON.parse(root.dataset.subscales || "{}");
  if (result.complete) {
    field(root, "total").textContent = formatNumber(result.total);
    root.dataset.complete = "true";
    if (result.band) {
      field(root, "band").textContent = `（${result.band.label}）`;
      const note = root.querySelector(`[data-band-note="${result.band.index}"]`);
      if (note) note.hidden = false;
    }
  }
  const subs = Object.keys(result.subscales || {}).sort();
  if (subs.length) {
    field(root, "subscales").textContent = subs
      .map((id) => `${subscaleNames[id] || id}：${formatNumber(result.subscales[id])}`).join("；");
  }
  if (result.missing.length) {
    field(root, "missing").textContent = result.complete
      ? `按缺项规则处理的缺答：${result.missing.map((k) => `第 ${k} 题`).join("、")}。`
      : `还不能计分：尚缺 ${result.missing.map((k) => `第 ${k} 题`).join("、")}。`;
  }
  for (const flag of result.flags) {
    const note = root.querySelector(`[data-flag-note="${flag}"]`);
    if (note) note.hidden = false;
  }
  refreshCompare(root, result);
}

async function refreshCompare(root, result) {
  const box = root.querySelector("[data-compare]");
  const pre = before.get(root.dataset.instrument);
  if (!box || !pre) return;
  box.hidden = false;
  const text = box.querySelector("[data-compare-text]");
  if (!result || !result.complete) {
    text.textContent = `已记录前测：总分 ${formatNumber(pre.total)}${pre.band ? "（" + pre.band.label + "）" : ""}。填完后测即可看到变化。`;
    return;
  }
  try {
    const change = await call("compare", root.dataset.instrument, pre, result);
    text.textContent = change.text || JSON.stringify(change);
  } catch (error) {
    text.textContent = error.message;
  }
}

function wireOne(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "true";
  // Red flags are shown first, inside the (sticky) result panel, above the total.
  root.querySelector(".hb-calc__result").prepend(...root.querySelectorAll("[data-flag-note]"));
  const id = root.dataset.instrument;
  let latest = 0;
  let lastResult = null;

  async function rescore() {
    const ticket = ++latest;
    const answers = answersOf(root);
    if (Object.values(answers).every((v) => v === null)) {
      lastResult = null;
      clearResult(root);
      return;
    }
    // The old number must not stand while the new answers are being scored.
    field(root, "total").textContent = "…";
    try {
      const result = await call("score", id, answers);
      if (ticket !== latest) return;
      lastResult = result;
      showResult(root, result);
    } catch (error) {
      if (ticket !== latest) return;
      lastResult = null;
      clearResult(root);
      field(root, "error").textContent = error.message;
    }
  }

  root.addEventListener("input", rescore);
  root.addEventListener("change", rescore);
  root.querySelector("form")?.addEventListener("submit", (e) => e.preventDefault());

  // Score entry: a whole value moves on to the next box, so each item costs one key press.
  root.addEventListener("input", (event) => {
    const box = event.target;
    if (box.type !== "number" || box.value.length < box.max.length || !box.checkValidity()) return;
    const boxes = Array.from(root.querySelectorAll('input[type="number"]'));
    boxes[boxes.indexOf(box) + 1]?.focus();
  });

  watch((engine) => {
    root.dataset.engine = engine.phase; // the status line is shown only while it matters
    const status = field(root, "status");
    if (engine.phase === "ready") {
      status.textContent = `评分引擎已就绪（${RUNTIME_NAMES[engine.runtime]}，在本机运行，不上传任何数据）。`;
      rescore(); // answers given before the engine was ready are scored now
    } else if (engine.phase === "failed") {
      status.textContent = `${engine.message}请按下方“评分方法”手工计分。`;
      root.classList.add("hb-calc--manual");
    } else {
      status.textContent = "正在启动评分引擎……可以先作答。";
    }
  });

  root.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (!action) return;
    if (action === "reset") {
      root.querySelector("form").reset();
      lastResult = null;
      clearResult(root);
    } else if (action === "print") {
      document.body.classList.add("hb-print-blank");
      window.print();
      document.body.classList.remove("hb-print-blank");
    } else if (action === "pre") {
      if (!lastResult || !lastResult.complete) {
        field(root, "error").textContent = "请先完成一次可计分的作答，再记为前测。";
        return;
      }
      before.set(id, lastResult);
      root.querySelector("form").reset();
      clearResult(root);
      refreshCompare(root, null);
    } else if (action === "copy") {
      if (!lastResult) {
        field(root, "error").textContent = "还没有可复制的结果。";
        return;
      }
      const line = await call("summary_line", id, lastResult, today());
      await copyText(line);
      const button = event.target.closest("button");
      button.textContent = "已复制";
      setTimeout(() => { button.textContent = "复制结果"; }, 1500);
    }
  });
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

export function wire(doc) {
  doc.querySelectorAll("[data-instrument]").forEach(wireOne);
}
