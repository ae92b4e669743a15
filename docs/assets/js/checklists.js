// Practice checklists and the case navigator: ticks and notes are saved per case, in this browser
// only; decisions (referral, plan completeness, closure readiness) come from engine/casework.py.
import { call } from "./engine.js";
import { CONTRACT, sel, read } from "./contract.js";
import { storeNotice, today, exportFile, dataControls, checkInPieces } from "./files.js";
import { openStore, readDraft, writeDraft, clearDraft, shortened } from "./store.js";
import { caseChip } from "./casechip.js";

const store = openStore("cases");
// A note is sent to the engine once typing pauses this long (ms); until then it is kept as a draft.
const NOTE_PAUSE = 600;
// The case this page shows: every tick and note is filed under it, never under a case the reader did not
// see (another tab may have switched the current case; the `storage` event then redraws this page).
let shownCase = null;
// Notes typed but not yet sent (input -> {root, timer}), and notes being sent: both are finished before
// anything that switches the case or exports.
const pending = new Map();
const sending = new Set();

function sendNote(root, input) {
  const done = note(root, input).finally(() => sending.delete(done));
  sending.add(done);
  return done;
}

/** Send every note still waiting for its pause, under the case it was typed for, and wait for all. */
async function flushNotes() {
  const waiting = Array.from(pending.entries());
  pending.clear();
  for (const [input, { root, timer }] of waiting) {
    clearTimeout(timer);
    sendNote(root, input);
  }
  await Promise.all(Array.from(sending));
}

function stateOf(root) {
  const checks = {};
  const fields = {};
  root.querySelectorAll(sel("check")).forEach((box) => { checks[read(box, "check")] = box.checked; });
  root.querySelectorAll(sel("field")).forEach((input) => { fields[read(input, "field")] = input.value; });
  return { checks, fields };
}

function draftId(root, field) {
  return `note:${read(root, "checklist")}:${field}`;
}

/** Draw the saved state of the shown case; a note still being typed (a draft of this case) is kept. */
function apply(root, state) {
  root.querySelectorAll(sel("check")).forEach((box) => {
    if (!ticking.has(box)) box.checked = Boolean(state?.checks?.[read(box, "check")]);
  });
  root.querySelectorAll(sel("field")).forEach((input) => {
    const name = read(input, "field");
    const saved = state?.fields?.[name] || "";
    input.dataset.saved = saved;
    const draft = readDraft(draftId(root, name));
    input.value = draft && draft.case === shownCase ? draft.text : saved;
  });
}

function itemText(el) {
  return (el.closest("label")?.textContent || "").trim().slice(0, 40);
}

async function decide(root) {
  const out = root.querySelector(sel("checklist_result"));
  if (!out || !read(root, "decision")) return;
  // Long notes go with the characters the engine does not read collapsed (see TEXT_KEPT in the contract):
  // a very long note must not hold up the engine for every other call.
  const state = shortened(stateOf(root));
  try {
    const verdict = await call("checklist", read(root, "checklist"), state);
    // Pinned over the page, the verdict is one line ("缺 7 项：…") that opens on demand.
    const open = Boolean(out.querySelector("details")?.open);
    out.dataset.level = verdict.level;
    out.replaceChildren();
    const box = Object.assign(document.createElement("details"), { open });
    const count = verdict.missing?.length || 0;
    box.append(
      Object.assign(document.createElement("summary"), { textContent: count ? `缺 ${count} 项：${verdict.missing[0]}` : verdict.message }),
      Object.assign(document.createElement("p"), { textContent: verdict.message }),
    );
    if (count) {
      const ul = document.createElement("ul");
      verdict.missing.forEach((m) => ul.append(Object.assign(document.createElement("li"), { textContent: m })));
      box.append(ul);
    }
    out.append(box);
  } catch (error) {
    out.textContent = error.message;
  }
  const privacy = await call("private_notes", { cases: { x: { checklists: { c: state } } } }).catch(() => []);
  if (privacy.length) {
    out.append(Object.assign(document.createElement("p"), {
      className: "hb-checklist__privacy",
      textContent: "提醒：填写内容里有一长串数字，像身份证号、住院号或电话。练习记录里请不要写能认出服务对象的信息。",
    }));
  }
}

/** Send one change (a tick, or a note once typing pauses) to the engine, filed under the shown case. */
async function send(root, action, label = null) {
  shownCase ??= (await store.get()).current;
  try {
    return await store.dispatch({ ...action, case: label ?? shownCase, checklist: read(root, "checklist"), today: today() });
  } catch (error) {
    const out = root.querySelector(sel("checklist_result"));
    if (out) out.append(Object.assign(document.createElement("p"), { textContent: `未能保存：${error.message}` }));
    return { saved: false, messages: [] };
  }
}

// Ticks on their way to the store: a redraw for another write (a note saved meanwhile) leaves them as the
// reader set them, so a tick never flickers back before its own write is drawn.
const ticking = new Set();

async function tick(root, box) {
  ticking.add(box);
  try {
    await send(root, { do: "tick", item: read(box, "check"), value: box.checked, was: !box.checked, what: itemText(box) });
  } finally {
    ticking.delete(box);
    if (root.isConnected) refreshAll(root.ownerDocument); // whatever the store holds now, saved or refused
  }
}

/** Send a note under the case it was typed for (the draft says which), even if the page has switched since. */
async function note(root, input) {
  const field = read(input, "field");
  const draft = readDraft(draftId(root, field));
  const text = draft ? draft.text : input.value;
  const answer = await send(root, { do: "note", field, text, was: input.dataset.saved || "", what: itemText(input) }, draft?.case);
  if (answer.saved) {
    if (!draft || draft.case === shownCase) input.dataset.saved = text;
    if (readDraft(draftId(root, field))?.text === text) clearDraft(draftId(root, field));
  }
}

/** Draw every checklist of the page from the store, for its current case. */
async function refreshAll(doc, value) {
  const s = value || await store.get();
  shownCase = s.current;
  const c = s.cases[s.current] || { checklists: {} };
  doc.querySelectorAll(sel("checklist")).forEach((root) => {
    apply(root, c.checklists?.[read(root, "checklist")]);
    decide(root);
  });
  doc.querySelectorAll("[data-current-case]").forEach((el) => { el.textContent = s.current; });
}

function caseBar() {
  const bar = document.createElement("p");
  bar.className = "hb-casebar hb-noprint";
  bar.innerHTML = `勾选和填写自动保存在本机浏览器，归入个案“<strong data-current-case></strong>”。
    切换个案、导出或清除请到<a href="${window.handbookRoot}practice/navigator.html">个案流程导航</a>。`;
  return bar;
}

function caseStore(box, doc) {
  const panel = document.createElement("div");
  panel.className = "hb-cases__panel";
  panel.innerHTML = `
    <p>当前个案：<strong data-current-case></strong></p>
    <label for="hb-case-pick">切换到已保存的个案</label>
    <select id="hb-case-pick"></select>
    <label for="hb-case-label">新个案代号（自编，如“肿瘤科-A”）</label>
    <input id="hb-case-label" type="text" maxlength="${CONTRACT.labelMax}" autocomplete="off">
    <button type="button" class="md-button" data-case="new">新建并切换</button>
    <button type="button" class="md-button" data-case="rename">把当前个案改为此代号</button>
    <button type="button" class="md-button" data-case="delete">删除当前个案</button>
    <p class="hb-cases__message" role="status" aria-live="polite"></p>`;
  const pick = panel.querySelector("select");
  const message = panel.querySelector(".hb-cases__message");
  const render = async () => {
    const s = await store.get();
    const labels = Array.from(new Set([s.current, ...Object.keys(s.cases)])).sort();
    pick.replaceChildren(...labels.map((label) => new Option(label, label, false, label === s.current)));
    await refreshAll(doc, s);
  };
  const act = async (action) => {
    await flushNotes();
    try {
      const answer = await store.dispatch(action);
      message.textContent = answer.messages.join("");
    } catch (error) {
      message.textContent = error.message;
    }
  };
  store.follow(() => { if (panel.isConnected) render(); });
  pick.addEventListener("change", () => act({ do: "switch_case", case: pick.value }));
  panel.addEventListener("click", async (event) => {
    const what = event.target.closest("[data-case]")?.dataset.case;
    const typed = panel.querySelector("#hb-case-label");
    if (what === "new") {
      if (!typed.value.trim()) message.textContent = "请先输入个案代号。";
      else await act({ do: "create_case", case: typed.value });
    } else if (what === "rename") {
      if (!typed.value.trim()) message.textContent = "请先在上面输入新的代号。";
      else await act({ do: "rename_case", case: shownCase, to: typed.value });
    } else if (what === "delete") {
      const label = shownCase;
      if (confirm(`删除个案“${label}”的全部勾选和记录？`)) await act({ do: "delete_case", case: label });
    }
  });
  panel.append(dataControls({
    label: "个案进度",
    onExport: async (say) => {
      await flushNotes();
      const answer = await store.dispatch({ do: "export" });
      exportFile(`handbook-cases-${today()}.json`, answer.envelope);
      say("已导出全部个案进度。");
    },
    onImport: async (obj, say) => {
      const risky = await checkInPieces("cases", obj, null, say);
      const answer = await store.importCases(obj, risky);
      say(answer.messages.join("") + (answer.saved ? "" : "（未能保存到本机，见上方提示。）"));
    },
    onClear: async (say) => {
      const answer = await store.dispatch({ do: "clear" });
      say(answer.messages.join(""));
    },
  }));
  box.append(storeNotice(store), panel);
}

export function wire(doc) {
  const roots = Array.from(doc.querySelectorAll(sel("checklist"))).filter((r) => !r.dataset.wired);
  if (!roots.length) return;
  caseChip(doc);
  const storeBox = doc.querySelector(sel("case_store"));
  if (storeBox) caseStore(storeBox, doc);
  else roots[0].before(storeNotice(store), caseBar());
  for (const root of roots) {
    root.dataset.wired = "true";
    const result = root.querySelector(sel("checklist_result"));
    if (result) result.textContent = "正在启动判断引擎……";
    // The decision is drawn from the form itself, whether or not saving works.
    root.addEventListener("change", (event) => {
      decide(root);
      const box = event.target.closest(sel("check"));
      if (box) tick(root, box);
      const input = event.target.closest(sel("field"));
      if (input) {
        clearTimeout(pending.get(input)?.timer);
        pending.delete(input);
        sendNote(root, input);
      }
    });
    root.addEventListener("input", (event) => {
      const input = event.target.closest(sel("field"));
      if (!input) return;
      decide(root);
      // Kept at once as a draft of the shown case (Back, a link out or a reload keep it), saved on a pause.
      writeDraft(draftId(root, read(input, "field")), { case: shownCase, text: input.value });
      clearTimeout(pending.get(input)?.timer);
      const timer = setTimeout(() => {
        pending.delete(input);
        sendNote(root, input);
      }, NOTE_PAUSE);
      pending.set(input, { root, timer });
    });
  }
  // Another tab (or the chip) switched case or changed a tick: draw what is stored now.
  const stop = store.follow((value) => {
    if (!roots[0].isConnected) stop();
    else refreshAll(doc, value);
  });
  refreshAll(doc);
}
