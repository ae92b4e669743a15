// Practice checklists and the case navigator: ticks and notes are saved per case, in this browser
// only; decisions (referral, plan completeness, closure readiness) come from engine/casework.py.
import { call } from "./engine.js";
import { load, save, today, download, dataControls } from "./files.js";

const STORE = "hb.cases";
const UNNAMED = "未命名个案";
const ID_LIKE = /\d{6,}/; // ID card, admission or phone numbers must not become labels

function store() {
  const s = load(STORE, null);
  return s && s.format === 1 && s.cases && typeof s.cases === "object" ? s : { format: 1, current: UNNAMED, cases: {} };
}

function caseOf(s) {
  s.cases[s.current] ||= { checklists: {} };
  return s.cases[s.current];
}

function stateOf(root) {
  const checks = {};
  const fields = {};
  root.querySelectorAll("[data-check]").forEach((box) => { checks[box.dataset.check] = box.checked; });
  root.querySelectorAll("[data-field]").forEach((input) => { fields[input.dataset.field] = input.value; });
  return { checks, fields };
}

function apply(root, state) {
  root.querySelectorAll("[data-check]").forEach((box) => { box.checked = Boolean(state?.checks?.[box.dataset.check]); });
  root.querySelectorAll("[data-field]").forEach((input) => { input.value = state?.fields?.[input.dataset.field] || ""; });
}

async function decide(root) {
  const out = root.querySelector("[data-checklist-result]");
  if (!out || !root.dataset.decision) return;
  try {
    const verdict = await call("checklist", root.dataset.checklist, stateOf(root));
    // Pinned over the page, the verdict is one line ("缺 7 项：…") that opens on demand.
    const open = Boolean(out.querySelector("details")?.open);
    out.dataset.level = verdict.level;
    out.innerHTML = "";
    const box = Object.assign(document.createElement("details"), { open });
    const line = document.createElement("summary");
    const count = verdict.missing?.length || 0;
    line.textContent = count ? `缺 ${count} 项：${verdict.missing[0]}` : verdict.message;
    const p = document.createElement("p");
    p.textContent = verdict.message;
    box.append(line, p);
    if (count) {
      const ul = document.createElement("ul");
      verdict.missing.forEach((m) => ul.append(Object.assign(document.createElement("li"), { textContent: m })));
      box.append(ul);
    }
    out.append(box);
  } catch (error) {
    out.textContent = error.message;
  }
}

function persist(root) {
  const s = store();
  const c = caseOf(s);
  c.checklists[root.dataset.checklist] = stateOf(root);
  c.updated = today();
  save(STORE, s);
}

function refreshAll(doc) {
  const c = caseOf(store());
  doc.querySelectorAll("[data-checklist]").forEach((root) => {
    apply(root, c.checklists[root.dataset.checklist]);
    decide(root);
  });
  doc.querySelectorAll("[data-current-case]").forEach((el) => { el.textContent = store().current; });
}

function caseBar(doc) {
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
    <input id="hb-case-label" type="text" maxlength="30" autocomplete="off">
    <button type="button" class="md-button" data-case="new">新建并切换</button>
    <button type="button" class="md-button" data-case="delete">删除当前个案</button>
    <p class="hb-cases__message" role="status" aria-live="polite"></p>`;
  const pick = panel.querySelector("select");
  const message = panel.querySelector(".hb-cases__message");
  const render = () => {
    const s = store();
    const labels = Array.from(new Set([s.current, ...Object.keys(s.cases)])).sort();
    pick.innerHTML = "";
    labels.forEach((label) => pick.append(new Option(label, label, false, label === s.current)));
    refreshAll(doc);
  };
  const switchTo = (label) => {
    const s = store();
    s.current = label;
    caseOf(s);
    save(STORE, s);
    render();
  };
  pick.addEventListener("change", () => switchTo(pick.value));
  panel.addEventListener("click", (event) => {
    const act = event.target.closest("[data-case]")?.dataset.case;
    if (act === "new") {
      const label = panel.querySelector("#hb-case-label").value.trim();
      if (!label) message.textContent = "请先输入个案代号。";
      else if (ID_LIKE.test(label)) message.textContent = "代号里有一长串数字，像身份证号、住院号或电话：请改用床号加自编序号。";
      else {
        switchTo(label);
        message.textContent = `已切换到个案“${label}”。`;
      }
    } else if (act === "delete") {
      const s = store();
      if (!confirm(`删除个案“${s.current}”的全部勾选和记录？`)) return;
      delete s.cases[s.current];
      s.current = Object.keys(s.cases).sort()[0] || UNNAMED;
      save(STORE, s);
      render();
      message.textContent = "已删除。";
    }
  });
  panel.append(dataControls({
    label: "个案进度",
    onExport: async (say) => {
      download(`handbook-cases-${today()}.json`, await call("envelope", "cases", { cases: store().cases }));
      say("已导出全部个案进度。");
    },
    onImport: async (obj, say) => {
      const data = await call("check_import", "cases", obj);
      const s = store();
      Object.assign(s.cases, data.cases || {});
      save(STORE, s);
      render();
      say(`已导入 ${Object.keys(data.cases || {}).length} 个个案（同名个案被文件中的内容替换）。`);
    },
    onClear: (say) => {
      localStorage.removeItem(STORE);
      render();
      say("已清除本机保存的全部个案进度。");
    },
  }));
  box.append(panel);
  render();
}

export function wire(doc) {
  const roots = Array.from(doc.querySelectorAll("[data-checklist]")).filter((r) => !r.dataset.wired);
  if (!roots.length) return;
  const storeBox = doc.querySelector("[data-case-store]");
  if (storeBox) caseStore(storeBox, doc);
  else roots[0].before(caseBar(doc));
  for (const root of roots) {
    root.dataset.wired = "true";
    const changed = () => {
      persist(root);
      decide(root);
    };
    root.addEventListener("change", changed);
    root.addEventListener("input", changed);
  }
  refreshAll(doc);
}
