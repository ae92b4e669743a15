// Case-analysis practice (中级《社会工作实务》): answer boxes whose drafts stay on this device, a
// clock, and self-marking. The engine (engine/rubric.py, engine/case_practice.py) pre-checks the
// answer, totals the confirmed points and makes every change to the store; this file draws and writes.
import { call, watch } from "./engine.js";
import { CONTRACT, sel } from "./contract.js";
import { today, exportFile, downloadText } from "./files.js";
import { readWhole, writeWhole } from "./store.js";

const { store: STORE, kind: KIND } = CONTRACT.casePractice;
const DRAFT_DELAY_MS = 400;
let queue = Promise.resolve();
let blocked = ""; // why nothing may be written (unreadable data is kept, never overwritten)
let blockedRaw = null; // that unreadable data, offered for download

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function paragraphs(text) {
  return String(text).split(/\n+/).filter((p) => p.trim()).map((p) => `<p>${escape(p)}</p>`).join("");
}

function marks(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The saved store, checked by the engine; null when there is none. Unreadable data blocks writing. */
async function readStore() {
  let raw;
  try {
    raw = readWhole(STORE);
  } catch {
    blocked = "浏览器不允许本站保存数据（可能处于无痕模式，或存储已被禁用），草稿不会保存";
    return null;
  }
  if (raw === null) return null;
  try {
    return await call("case_practice_check", JSON.parse(raw));
  } catch (error) {
    blocked = `${error instanceof SyntaxError ? "本机保存的案例分析练习已损坏（内容不完整）" : error.message}。原内容没有改动，本页不会保存新的草稿和成绩；可以先下载原内容。`;
    blockedRaw = raw;
    return null;
  }
}

/** The one place this page writes the store: through the shared writer (store.js). */
function writeStore(value) {
  return blocked || writeWhole(STORE, value);
}

/** Run one engine transition on the current store and write the result; resolves {store, messages, problem}. */
function apply(action) {
  const run = queue.then(async () => {
    const current = await readStore();
    if (blocked) return { store: current, messages: [], problem: blocked };
    const reply = await call("case_practice_step", current, action);
    return { ...reply, problem: writeStore(reply.store) };
  });
  queue = run.catch(() => {});
  return run;
}

function button(label, extra = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `md-button ${extra}`.trim();
  b.textContent = label;
  return b;
}

// ---- the clock: the real paper's time per question, counting down while the page is open --------
function clock(root, tools) {
  const full = Number(root.dataset.minutes) * 60;
  let left = full;
  let timer = null;
  const face = document.createElement("span");
  face.className = "hb-case__clock";
  face.setAttribute("role", "timer");
  const toggle = button("开始计时");
  const reset = button("重置");
  const show = () => {
    const m = Math.floor(Math.abs(left) / 60);
    const s = String(Math.abs(left) % 60).padStart(2, "0");
    face.textContent = left >= 0 ? `剩余 ${m}:${s}` : `已超时 ${m}:${s}`;
    face.classList.toggle("is-over", left < 0);
  };
  const stop = () => { clearInterval(timer); timer = null; toggle.textContent = "继续计时"; };
  toggle.addEventListener("click", () => {
    if (timer) return stop();
    toggle.textContent = "暂停";
    timer = setInterval(() => {
      if (!root.isConnected) return clearInterval(timer);
      left -= 1;
      show();
    }, 1000);
  });
  reset.addEventListener("click", () => { stop(); left = full; toggle.textContent = "开始计时"; show(); });
  show();
  const box = document.createElement("div");
  box.className = "hb-case__clockbox";
  box.append(face, toggle, reset);
  tools.append(box);
}

// ---- marking one sub-question ------------------------------------------------------------------
const VERDICT = { yes: "预判：似已写到", no: "预判：没有找到", negated: "预判：只在否定的说法里出现" };

function pointRow(point, check, confirmed) {
  const verdict = check.covered ? "yes" : check.negated.length && !check.matched.length ? "negated" : "no";
  const on = confirmed ? confirmed.includes(point.id) : check.covered;
  const li = document.createElement("li");
  li.className = "hb-case__point";
  li.innerHTML = `
    <label><input type="checkbox" value="${escape(point.id)}"${on ? " checked" : ""}>
      <span>${escape(point.text)} <strong>（${marks(point.marks)} 分）</strong></span></label>
    <span class="hb-case__verdict is-${verdict}">${VERDICT[verdict]}（命中 ${check.matched.length}/${point.terms.length} 组关键词，需 ${check.need} 组）</span>
    <span class="hb-case__learn" hidden>讲这一点的小节：${point.sections.map((s) => `<a href="${window.handbookRoot}${escape(s.href)}">${escape(s.label)}</a>`).join("、")}</span>`;
  return li;
}

function showAnswerKey(section, question) {
  section.querySelectorAll(".hb-case__learn").forEach((el) => { el.hidden = false; });
  let key = section.querySelector(".hb-case__key");
  if (!key) {
    key = document.createElement("div");
    key.className = "hb-case__key";
    section.querySelector(".hb-case__marking").append(key);
  }
  key.innerHTML = `
    <h4>参考答案</h4>${paragraphs(question.model)}
    <h4>常见错误</h4><ul>${question.mistakes.map((m) => `<li>${escape(m)}</li>`).join("")}</ul>`;
}

async function mark(ctx, section, question, confirmed = null) {
  const area = section.querySelector(".hb-case__marking");
  const text = section.querySelector("textarea").value;
  let check;
  try {
    check = await call("rubric_precheck", question.points, text);
  } catch (error) {
    area.textContent = error.message;
    return;
  }
  area.innerHTML = `
    <p class="hb-case__note"><strong>自评：</strong>下面是本题的评分要点。“预判”只是引擎按关键词和同义词找出来的提示，<strong>不是评分</strong>，会漏判也会误判；请对照自己的答案，勾选确实写到的要点，再确认得分。</p>
    ${check.empty ? '<p class="hb-case__note">作答为空，所有要点都预判为没有写到。</p>' : ""}
    <ol class="hb-case__points"></ol>
    <p class="hb-case__total" aria-live="polite"></p>`;
  const list = area.querySelector("ol");
  question.points.forEach((point, i) => list.append(pointRow(point, check.points[i], confirmed)));
  const confirm = button(confirmed ? "更新得分" : "确认得分", "md-button--primary");
  area.insertBefore(confirm, area.querySelector(".hb-case__total"));
  const total = area.querySelector(".hb-case__total");
  confirm.addEventListener("click", async () => {
    const ids = Array.from(list.querySelectorAll("input:checked"), (i) => i.value);
    try {
      const reply = await apply({ type: "mark", case: ctx.id, question: question.id, kind: question.kind, points: question.points, confirmed: ids, date: today() });
      total.textContent = [...reply.messages, reply.problem].filter(Boolean).join("；");
      confirm.textContent = "更新得分";
      showAnswerKey(section, question);
    } catch (error) {
      total.textContent = error.message;
    }
  });
  if (confirmed) {
    const result = ctx.results[question.id];
    total.textContent = `上次自评 ${marks(result.points)} / ${marks(result.max)} 分（${result.date}）`;
    showAnswerKey(section, question);
  }
}

// ---- a case page -------------------------------------------------------------------------------
async function wirePaper(root) {
  const data = JSON.parse(root.getAttribute(CONTRACT.attr.case_data));
  const status = root.querySelector(".hb-case__status");
  const tools = root.querySelector(".hb-case__tools");
  status.textContent = "正在准备作答框……";
  const stored = await readStore();
  const ctx = { id: data.case, results: (stored && stored.results[data.case]) || {} };
  const drafts = (stored && stored.drafts[data.case]) || {};
  status.textContent = blocked || "作答内容自动保存在本机浏览器里，刷新或换页后仍在。";
  if (blockedRaw !== null) {
    const save = button("下载原内容");
    save.addEventListener("click", () => downloadText("案例分析练习-原内容.json", blockedRaw, "application/json"));
    status.append(" ", save);
  }
  clock(root, tools);
  const print = button("打印本案例（带答题横线）");
  print.addEventListener("click", () => window.print());
  const clear = button("清空本案例的作答和成绩");
  clear.addEventListener("click", async () => {
    if (!window.confirm("清空本案例的全部草稿和自评成绩？此操作不能撤销。")) return;
    const reply = await apply({ type: "clear", case: ctx.id });
    root.querySelectorAll("textarea").forEach((t) => { t.value = ""; });
    root.querySelectorAll(".hb-case__marking, .hb-case__saved").forEach((el) => { el.textContent = ""; });
    ctx.results = {};
    status.textContent = [...reply.messages, reply.problem].filter(Boolean).join("；");
  });
  tools.append(print, clear);
  const flushers = [];
  window.addEventListener("pagehide", () => flushers.forEach((f) => f()), { once: true });
  for (const question of data.questions) {
    const section = root.querySelector(sel("case_question", question.id));
    const box = section.querySelector("textarea");
    const saved = section.querySelector(".hb-case__saved");
    box.value = drafts[question.id] || "";
    box.placeholder = "在这里写答案，分点作答更清楚。";
    box.disabled = false;
    let timer = null;
    const flush = () => {
      if (timer === null) return;
      clearTimeout(timer);
      timer = null;
      saved.textContent = "正在保存……";
      apply({ type: "draft", case: ctx.id, question: question.id, text: box.value }).then(
        (reply) => { saved.textContent = reply.problem || reply.messages.join("；") || "已保存在本机"; },
        (error) => { saved.textContent = error.message; },
      );
    };
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(flush, DRAFT_DELAY_MS);
      saved.textContent = "";
    });
    box.addEventListener("blur", flush);
    flushers.push(flush);
    const submit = button("提交本题", "md-button--primary");
    submit.addEventListener("click", () => { flush(); mark(ctx, section, question); });
    section.querySelector(".hb-case__actions").append(submit);
    const result = ctx.results[question.id];
    if (result) mark(ctx, section, question, result.covered);
  }
  root.dataset.ready = "true";
}

// ---- the score report --------------------------------------------------------------------------
async function drawReport(root, titles) {
  const out = root.querySelector(".hb-case__report") || root.appendChild(document.createElement("div"));
  out.className = "hb-case__report";
  const stored = await readStore();
  if (!stored || !Object.keys(stored.results).length) {
    out.innerHTML = "<p>还没有自评成绩。做完一个案例的小题并确认得分后，这里会按类型汇总。</p>";
    return stored;
  }
  const report = await call("case_practice_report", stored);
  const kinds = report.kinds.map((k) => `
    <tr><td>${escape(k.name)}</td><td>${k.count}</td><td>${marks(k.points)} / ${marks(k.max)}</td>
      <td>${Math.round(k.lost_share * 100)}%</td></tr>`).join("");
  const cases = Object.entries(report.cases).map(([id, c]) => `
    <li>${escape(titles[id] || id)}：${marks(c.points)} / ${marks(c.max)} 分（已自评 ${c.done} 题）</li>`).join("");
  out.innerHTML = `
    <div class="hb-case__table"><table>
      <thead><tr><th>小题类型</th><th>题数</th><th>得分</th><th>失分比例</th></tr></thead>
      <tbody>${kinds}</tbody></table></div>
    <p>失分最多的类型：<strong>${escape(report.kinds[0].name)}</strong>。</p>
    <ul>${cases}</ul>`;
  return stored;
}

async function wireReport(root) {
  const { titles } = JSON.parse(root.getAttribute(CONTRACT.attr.case_data));
  const status = root.querySelector(".hb-case__status");
  status.textContent = "";
  await drawReport(root, titles);
  if (blocked) status.textContent = blocked;
  const exportButton = button("导出案例分析练习");
  exportButton.addEventListener("click", async () => {
    const stored = await readStore();
    exportFile(`案例分析练习-${today()}.json`, await call("case_practice_export", stored));
  });
  const input = Object.assign(document.createElement("input"), { type: "file", accept: ".json,application/json" });
  input.className = "hb-case__import";
  input.setAttribute("aria-label", "导入案例分析练习文件");
  input.addEventListener("change", async () => {
    const file = input.files[0];
    input.value = "";
    if (!file) return;
    try {
      if (file.size > CONTRACT.importLimitBytes) throw new Error(`文件超过 ${CONTRACT.importLimitText}`);
      let envelope;
      try { envelope = JSON.parse(await file.text()); } catch { throw new Error("文件不是本站导出的 JSON 文件"); }
      if (!envelope || envelope.app !== CONTRACT.app || envelope.kind !== KIND) throw new Error("这不是本站导出的案例分析练习文件");
      const reply = await apply({ type: "merge", data: envelope.data });
      status.textContent = [...reply.messages, reply.problem].filter(Boolean).join("；");
    } catch (error) {
      status.textContent = `导入失败，已保存的内容没有改动：${error.message}`;
    }
    await drawReport(root, titles);
  });
  const tools = document.createElement("p");
  tools.className = "hb-case__tools";
  tools.append(exportButton, " 导入：", input);
  root.append(tools);
  root.dataset.ready = "true";
}

/** Called by handbook.js on every page that holds a case paper or the report. */
export function wire(doc) {
  const targets = [
    ...Array.from(doc.querySelectorAll(sel("case_paper")), (root) => [root, wirePaper]),
    ...Array.from(doc.querySelectorAll(sel("case_report")), (root) => [root, wireReport]),
  ];
  for (const [root, wireOne] of targets) {
    if (root.dataset.wired) continue;
    root.dataset.wired = "true";
    let started = false;
    const stop = watch((state) => {
      if (state.phase === CONTRACT.worker.broken) {
        root.querySelector(".hb-case__status").textContent = state.message;
      } else if (state.phase === CONTRACT.worker.started && !started) {
        started = true;
        queueMicrotask(() => stop()); // deferred: watch() may answer before `stop` is assigned
        wireOne(root).catch((error) => {
          root.querySelector(".hb-case__status").textContent = error.message;
        });
      }
    });
  }
}
