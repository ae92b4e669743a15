// Scale calculators: read the form rendered at build time, score it with the Python engine in
// the worker, and draw the texts the engine returns. A number is shown, copied or recorded only
// when it is the score of what is on the form right now.
import { call, watch, RUNTIME_NAMES } from "./engine.js";
import { CONTRACT, sel, read } from "./contract.js";
import { today, storeNotice } from "./files.js";
import { openStore, readDraft, writeDraft, clearDraft } from "./store.js";
import { caseChip } from "./casechip.js";

const before = new Map(); // pre-test results per instrument, this tab only (nothing is stored)
const RESULT = CONTRACT.result;
const ACTION = CONTRACT.action;
// What a number box holds when the browser could not read the typed text as a number: the engine
// then answers "不是数字" for that item instead of treating it as unanswered.
const UNREADABLE = "（无法识别的输入）";
// The navigator's case store: a saved score goes to cases[label].measures (engine/state.py save_measure),
// and the case it is saved to becomes the current case of every tool.
const cases = openStore("cases");
const NEW_CASE = ""; // value of the «新建个案…» choice

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

/** The form's own state for a draft: every input's checked state or value, by position. */
function formState(form) {
  return Array.from(form.elements, (el) => (el.type === "radio" || el.type === "checkbox" ? el.checked : el.value));
}

function restoreForm(form, saved) {
  Array.from(form.elements).forEach((el, i) => {
    if (i >= saved.length) return;
    if (el.type === "radio" || el.type === "checkbox") el.checked = saved[i] === true;
    else if (typeof saved[i] === "string" && el.type !== "file" && el.type !== "button") el.value = saved[i];
  });
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
  let scored = { key: null, view: null }; // the view (a promise) of the answers whose JSON is `key`

  /** The view of the answers on the form right now (scored now if the last one is of older answers). */
  async function current() {
    const answers = answersOf(root);
    const key = JSON.stringify(answers);
    if (Object.values(answers).every((v) => v === null)) return null;
    // The same answers are scored once: a second asker (copy, save) waits for the call under way.
    if (scored.key !== key) {
      const view = call("view", id, answers);
      scored = { key, view };
      view.catch(() => { if (scored.view === view) scored = { key: null, view: null }; });
    }
    return scored.view;
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

  // The form's answers are kept as a draft until 清空 or 保存 (Back, links out and reload keep them).
  const draftId = `calc:${id}`;
  const keepDraft = () => { if (form) writeDraft(draftId, formState(form)); };

  /** Empty the form; a scoring still under way for the old answers is not drawn. */
  function reset() {
    latest++;
    form.reset();
    clearDraft(draftId);
    clearResult(root);
  }

  const draft = readDraft(draftId);
  if (form && Array.isArray(draft)) restoreForm(form, draft);
  // One engine call per answer: a tap fires "input" and "change", and the second finds the same answers
  // already being scored (current() shares that call) instead of sending another. The draft (no engine
  // call) is kept on both.
  root.addEventListener("input", rescore);
  root.addEventListener("change", rescore);
  root.addEventListener("input", keepDraft);
  root.addEventListener("change", keepDraft);
  form?.addEventListener("submit", (e) => e.preventDefault());
  wireSave(root, id, current, () => clearDraft(draftId));

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
    if (engine.phase === CONTRACT.worker.started) {
      status.textContent = `评分引擎已就绪（${RUNTIME_NAMES[engine.runtime]}，在本机运行，不上传任何数据）。`;
      rescore(); // answers given before the engine was ready are scored now
    } else if (engine.phase === CONTRACT.worker.broken) {
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
        // The engine reads the answers themselves: the line names each flagged item's value; the date is the
        // measure's date as given under «保存到个案» (a score saved for 2026-11-20 is copied with that date).
        await copyText(await call("summary_line", id, answers, measureDate(root), problemsOf(root)));
      } catch (error) {
        field(root, "error").textContent = error.message;
        return;
      }
      button.textContent = "已复制";
      setTimeout(() => { button.textContent = "复制结果"; }, 1500);
    }
  });
}

/** The date of the measure on the form: the one given for saving, else today. */
function measureDate(root) {
  const date = root.querySelector(`${sel("measure_save")} input[type="date"]`);
  return date?.value || today();
}

/** The saved cases, the current one chosen (the case chip names the same one). */
async function fillCases(select) {
  let s = { cases: {}, current: "" };
  try {
    s = await cases.get();
  } catch { /* unreadable storage: only a new case can be typed */ }
  const labels = Object.keys(s.cases).sort();
  const chosen = s.current;
  select.replaceChildren(
    ...labels.map((label) => new Option(label, label, false, label === chosen)),
    new Option("新建个案…", NEW_CASE, false, !labels.includes(chosen)),
  );
}

/** «保存到个案»: below the form; the score shown above never depends on whether saving works. */
function wireSave(root, id, current, saved) {
  const box = root.querySelector(sel("measure_save"));
  if (!box) return;
  // What was set aside or could not be saved is said here, next to the button that saves.
  box.prepend(storeNotice(cases));
  const select = box.querySelector("select");
  const label = box.querySelector('input[type="text"]');
  const date = box.querySelector('input[type="date"]');
  const message = box.querySelector('[role="status"]');
  const showNew = () => {
    const typing = select.value === NEW_CASE;
    label.hidden = !typing;
    box.querySelector(`label[for="${label.id}"]`).hidden = !typing;
  };
  // These fields are not answers: they must not rescore the form.
  for (const type of ["input", "change"]) box.addEventListener(type, (event) => event.stopPropagation());
  select.addEventListener("change", showNew);
  if (!date.value) date.value = today();
  const refill = () => { if (box.isConnected) fillCases(select).then(showNew); };
  refill();
  cases.follow(refill);
  box.querySelector("button").addEventListener("click", async () => {
    message.textContent = "";
    const answers = answersOf(root);
    let view;
    try {
      view = await current();
    } catch (error) {
      message.textContent = error.message;
      return;
    }
    if (!view || !view.result.complete) {
      message.textContent = "请先完成可计分的作答，再保存到个案。";
      return;
    }
    const typing = select.value === NEW_CASE;
    const name = typing ? label.value.trim() : select.value;
    if (typing) {
      const problem = name ? await call("label_problem", name).catch((error) => error.message) : "请先输入新个案代号";
      if (problem) {
        message.textContent = `${problem}。`;
        return;
      }
    }
    let answer;
    try {
      answer = await cases.dispatch({ do: "save_measure", case: name, instrument: id, answers, date: date.value, today: today() });
    } catch (error) {
      message.textContent = error.message;
      return;
    }
    if (answer.saved) {
      label.value = "";
      saved();
      message.textContent = answer.messages.join("");
    } else {
      const why = cases.unsaved || (cases.blocked
        ? "本机有一份无法读取的个案记录，为了不覆盖它，暂不保存新记录（请到个案流程导航处理）"
        : "浏览器拒绝保存");
      message.textContent = `未能保存到个案：${why}。上面的分数照常有效，可以先用“复制结果”记下。`;
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
  const roots = doc.querySelectorAll(sel("instrument"));
  roots.forEach(wireOne);
  if (roots.length) caseChip(doc);
}
