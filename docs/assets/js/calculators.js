// Scale calculators: read the form rendered at build time, score it with the Python engine in
// the worker, and draw the texts the engine returns. A number is shown, copied or recorded only
// when it is the score of what is on the form right now.
import { call, watch, RUNTIME_NAMES } from "./engine.js";
import { CONTRACT, sel, read } from "./contract.js";
import { today } from "./files.js";

const before = new Map(); // pre-test results per instrument, this tab only (nothing is stored)
const RESULT = CONTRACT.result;
const ACTION = CONTRACT.action;
// What a number box holds when the browser could not read the typed text as a number: the engine
// then answers "不是数字" for that item instead of treating it as unanswered.
const UNREADABLE = "（无法识别的输入）";

window.calculators = {
  /** Test contract: score(id, answers) → Promise of the engine's result object. */
  score: (id, answers) => call("score", id, answers),
};

function answersOf(root) {
  const answers = {};
  const keys = new Set(Array.from(root.querySelectorAll(sel("item")), (el) => read(el, "item")));
  for (const key of keys) {
    const inputs = Array.from(root.querySelectorAll(sel("item", key)));
    const kind = inputs[0].type;
    if (kind === "radio") {
      const chosen = inputs.find((el) => el.checked);
      answers[key] = chosen ? Number(chosen.value) : null;
    } else if (kind === "checkbox") {
      // Count items (SSRS 6/7): "none" ticked = 0 sources; nothing ticked = not answered.
      const ticked = inputs.filter((el) => el.checked);
      answers[key] = ticked.length === 0 ? null : ticked.filter((el) => el.value !== "none").length;
    } else if (inputs[0].validity.badInput) {
      answers[key] = UNREADABLE;
    } else {
      // The text goes to the engine as typed, so that it parses and judges it the same way everywhere.
      answers[key] = inputs[0].value === "" ? null : inputs[0].value;
    }
  }
  return answers;
}

/** The problem-list categories ticked (DT), or null on a calculator that has no problem list. */
function problemsOf(root) {
  const boxes = Array.from(root.querySelectorAll(".hb-problems input[type='checkbox']"));
  return boxes.length ? boxes.filter((el) => el.checked).map((el) => el.value) : null;
}

function field(root, name) {
  return root.querySelector(sel("result", RESULT[name]));
}

function clearResult(root, statusText) {
  field(root, "total").textContent = "—";
  field(root, "band").textContent = "";
  field(root, "subscales").textContent = "";
  field(root, "missing").textContent = "";
  field(root, "error").textContent = "";
  root.querySelectorAll(`${sel("band_note")}, ${sel("flag_note")}`).forEach((el) => { el.hidden = true; });
  if (statusText !== undefined) field(root, "status").textContent = statusText;
  delete root.dataset.complete;
}

/** Draw a view from the engine: every text in it is ready to show. */
function showResult(root, view) {
  const { shown } = view;
  clearResult(root);
  field(root, "total").textContent = shown.total;
  field(root, "band").textContent = shown.band;
  field(root, "subscales").textContent = shown.subscales;
  field(root, "missing").textContent = shown.missing;
  if (shown.complete) root.dataset.complete = "true";
  if (shown.band_index !== null) {
    const note = root.querySelector(sel("band_note", shown.band_index));
    if (note) note.hidden = false;
  }
  for (const flag of shown.flags) {
    const note = root.querySelector(sel("flag_note", flag));
    if (note) note.hidden = false;
  }
  refreshCompare(root, view);
}

async function refreshCompare(root, view) {
  const box = root.querySelector(sel("compare"));
  const pre = before.get(read(root, "instrument"));
  if (!box || !pre) return;
  box.hidden = false;
  const text = box.querySelector(sel("compare_text"));
  if (!view || !view.result.complete) {
    text.textContent = pre.shown.recorded;
    return;
  }
  try {
    const change = await call("compare", read(root, "instrument"), pre.result, view.result);
    text.textContent = change.text;
  } catch (error) {
    text.textContent = error.message;
  }
}

function wireOne(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "true";
  // Red flags are shown first, inside the (sticky) result panel, above the total.
  root.querySelector(".hb-calc__result").prepend(...root.querySelectorAll(sel("flag_note")));
  const id = read(root, "instrument");
  const form = root.querySelector("form");
  let latest = 0;
  let scored = { key: null, view: null }; // the view of the answers whose JSON is `key`

  /** The view of the answers on the form right now (scored now if the last one is of older answers). */
  async function current() {
    const answers = answersOf(root);
    const key = JSON.stringify(answers);
    if (Object.values(answers).every((v) => v === null)) return null;
    if (scored.key === key) return scored.view;
    const view = await call("view", id, answers);
    scored = { key, view };
    return view;
  }

  async function rescore() {
    const ticket = ++latest;
    const answers = answersOf(root);
    if (Object.values(answers).every((v) => v === null)) {
      clearResult(root);
      return;
    }
    // The old number must not stand while the new answers are being scored.
    field(root, "total").textContent = "…";
    try {
      const view = await current();
      if (ticket !== latest) return;
      showResult(root, view);
    } catch (error) {
      if (ticket !== latest) return;
      clearResult(root);
      field(root, "error").textContent = error.message;
    }
  }

  /** Empty the form; a scoring still under way for the old answers is not drawn. */
  function reset() {
    latest++;
    form.reset();
    clearResult(root);
  }

  root.addEventListener("input", rescore);
  root.addEventListener("change", rescore);
  form?.addEventListener("submit", (e) => e.preventDefault());

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
    const action = event.target.closest(sel("action"))?.getAttribute(CONTRACT.attr.action);
    if (!action) return;
    if (action === ACTION.reset) {
      reset();
    } else if (action === ACTION.print) {
      document.body.classList.add("hb-print-blank");
      window.print();
      document.body.classList.remove("hb-print-blank");
    } else if (action === ACTION.pre) {
      const view = await current().catch(() => null);
      if (!view || !view.result.complete) {
        field(root, "error").textContent = "请先完成一次可计分的作答，再记为前测。";
        return;
      }
      before.set(id, view);
      reset();
      refreshCompare(root, null);
    } else if (action === ACTION.copy) {
      const button = event.target.closest("button");
      try {
        const answers = answersOf(root);
        const view = await current();
        if (!view) {
          field(root, "error").textContent = "还没有可复制的结果。";
          return;
        }
        // The engine reads the answers themselves: the line names each flagged item's value.
        await copyText(await call("summary_line", id, answers, today(), problemsOf(root)));
      } catch (error) {
        field(root, "error").textContent = error.message;
        return;
      }
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
  doc.querySelectorAll(sel("instrument")).forEach(wireOne);
}
