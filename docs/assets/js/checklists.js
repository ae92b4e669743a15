// Practice checklists and the case navigator: ticks and notes are saved per case, in this browser
// only; decisions (referral, plan completeness, closure readiness) come from engine/casework.py.
import { call } from "./engine.js";
import { CONTRACT, sel, read, emptyStore } from "./contract.js";
import {
  openStore, storeNotice, today, exportFile, dataControls, askReplace, mergeSummary, checkInPieces, mergePlan, applyPlan,
} from "./files.js";

const UNNAMED = CONTRACT.unnamedCase;
const store = openStore("cases", () => emptyStore("cases"));

function caseOf(s) {
  if (!Object.hasOwn(s.cases, s.current)) s.cases[s.current] = { checklists: {} };
  s.cases[s.current].checklists ||= {};
  return s.cases[s.current];
}

function stateOf(root) {
  const checks = {};
  const fields = {};
  root.querySelectorAll(sel("check")).forEach((box) => { checks[read(box, "check")] = box.checked; });
  root.querySelectorAll(sel("field")).forEach((input) => { fields[read(input, "field")] = input.value; });
  return { checks, fields };
}

function apply(root, state) {
  root.querySelectorAll(sel("check")).forEach((box) => { box.checked = Boolean(state?.checks?.[read(box, "check")]); });
  root.querySelectorAll(sel("field")).forEach((input) => { input.value = state?.fields?.[read(input, "field")] || ""; });
}

async function decide(root) {
  const out = root.querySelector(sel("checklist_result"));
  if (!out || !read(root, "decision")) return;
  const state = stateOf(root);
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

async function persist(root) {
  const s = await store.get();
  const c = caseOf(s);
  c.checklists[read(root, "checklist")] = stateOf(root);
  c.updated = today();
  store.save(s);
}

async function refreshAll(doc, switched = false) {
  const s = await store.get();
  const c = caseOf(s);
  doc.querySelectorAll(sel("checklist")).forEach((root) => {
    // A tick given while the saved state was still being read wins over the saved state.
    if (switched || !root.dataset.touched) apply(root, c.checklists[read(root, "checklist")]);
    else persist(root);
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
    <button type="button" class="md-button" data-case="delete">删除当前个案</button>
    <p class="hb-cases__message" role="status" aria-live="polite"></p>`;
  const pick = panel.querySelector("select");
  const message = panel.querySelector(".hb-cases__message");
  const render = async (switched = true) => {
    const s = await store.get();
    const labels = Array.from(new Set([s.current, ...Object.keys(s.cases)])).sort();
    pick.replaceChildren(...labels.map((label) => new Option(label, label, false, label === s.current)));
    await refreshAll(doc, switched);
  };
  const switchTo = async (label) => {
    const s = await store.get();
    s.current = label;
    caseOf(s);
    store.save(s);
    await render();
  };
  pick.addEventListener("change", () => switchTo(pick.value));
  panel.addEventListener("click", async (event) => {
    const act = event.target.closest("[data-case]")?.dataset.case;
    if (act === "new") {
      const label = panel.querySelector("#hb-case-label").value.trim();
      const problem = label ? await call("label_problem", label).catch((e) => e.message) : "请先输入个案代号";
      if (problem) message.textContent = problem + "。";
      else {
        await switchTo(label);
        message.textContent = `已切换到个案“${label}”。`;
      }
    } else if (act === "delete") {
      const s = await store.get();
      if (!confirm(`删除个案“${s.current}”的全部勾选和记录？`)) return;
      delete s.cases[s.current];
      s.current = Object.keys(s.cases).sort()[0] || UNNAMED;
      store.save(s);
      await render();
      message.textContent = "已删除。";
    }
  });
  panel.append(dataControls({
    label: "个案进度",
    onExport: async (say) => {
      const s = await store.get();
      exportFile(`handbook-cases-${today()}.json`, "cases", { cases: s.cases });
      say("已导出全部个案进度。");
    },
    onImport: async (obj, say) => {
      const risky = await checkInPieces("cases", obj, null, say);
      const incoming = obj.data.cases || {};
      const local = await store.get();
      const plan = mergePlan(local.cases, incoming);
      const replace = askReplace(plan, "同名个案");
      store.save({ ...local, cases: applyPlan(local.cases, incoming, plan, replace) });
      await render();
      say(`已导入个案进度：${mergeSummary(plan, replace, "个个案")}。`
        + (risky.length ? `注意：个案 ${risky.slice(0, 5).join("、")} 的填写内容里有一长串数字，像身份证号或电话号码，请检查并删去。` : ""));
    },
    onClear: async (say) => {
      store.clear();
      await render();
      say("已清除本机保存的全部个案进度。");
    },
  }));
  box.append(storeNotice(store), panel);
  render(false);
}

export function wire(doc) {
  const roots = Array.from(doc.querySelectorAll(sel("checklist"))).filter((r) => !r.dataset.wired);
  if (!roots.length) return;
  const storeBox = doc.querySelector(sel("case_store"));
  if (storeBox) caseStore(storeBox, doc);
  else roots[0].before(storeNotice(store), caseBar());
  for (const root of roots) {
    root.dataset.wired = "true";
    const result = root.querySelector(sel("checklist_result"));
    if (result) result.textContent = "正在启动判断引擎……";
    // The decision is drawn from the form itself, whether or not saving works.
    const changed = () => {
      root.dataset.touched = "true";
      decide(root);
      persist(root);
    };
    root.addEventListener("change", changed);
    root.addEventListener("input", changed);
  }
  refreshAll(doc);
}
