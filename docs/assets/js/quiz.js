// Exam practice: chapter sets, technique drills, the mock exam and the 错题本. Grading and the
// review schedule are Python (engine/quiz.py) run in the worker; this file renders and stores.
import { call, start } from "./engine.js";
import { CONTRACT, sel, read } from "./contract.js";
import {
  openStore, storeNotice, today, exportFile, dataControls, askReplace, mergeSummary, checkInPieces, mergePlan, applyPlan,
} from "./files.js";

const store = openStore("exam", () => ({ format: CONTRACT.formats["exam-progress"], answers: {}, notebook: {}, exams: [] }));
const LETTERS = "ABCDE";
const TYPE_NAMES = { single: "单选", multi: "多选", case: "案例分析" };
const MOCK = {
  full: { single: 60, multi: 20, minutes: 120, name: "完整模拟（80 题，120 分钟）" },
  quick: { single: 10, multi: 5, minutes: 20, name: "快速模拟（15 题，20 分钟）" },
};
let bank = null;

/** The questions a page needs: one practice set, or the whole bank (mock exam, 错题本). */
async function loadBank(file) {
  const response = await fetch(window.handbookRoot + CONTRACT.assets.exam_dir + file);
  if (!response.ok) throw new Error("题库加载失败");
  bank = await response.json();
}

/** Saved progress, checked by the engine (damaged or newer data is set aside, never overwritten). */
function progress() {
  return store.get();
}

/** The hidden answer of a question: which options are right and why each is right or wrong. */
function reveal(q) {
  const key = new TextEncoder().encode(q.id + CONTRACT.hideSuffix);
  const bytes = Uint8Array.from(atob(q.key), (c, i) => c.charCodeAt(0) ^ key[i % key.length]);
  const { c, w } = JSON.parse(new TextDecoder().decode(bytes));
  return { ...q, options: q.options.map((text, i) => ({ text, correct: c.includes(i), why: w[i] })) };
}

function isMulti(q) {
  return q.type === "multi" || (q.type === "case" && reveal(q).options.filter((o) => o.correct).length > 1);
}

function el(html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function questionCard(q, number, total) {
  const multi = isMulti(q);
  const name = `q-${q.id}-${Math.random().toString(36).slice(2, 7)}`;
  const options = q.options.map((text, i) => `
      <label class="hb-q__option"><input type="${multi ? "checkbox" : "radio"}" name="${name}" value="${i}">
        <span>${LETTERS[i]}. ${escape(text)}</span></label>`).join("");
  return el(`
    <article class="hb-q" data-question-id="${q.id}">
      <p class="hb-q__meta">${TYPE_NAMES[q.type]}${multi && q.type === "case" ? "（多选）" : ""} · ${escape(bank.chapters[q.chapter])}${number ? ` · 第 ${number}/${total} 题` : ""}</p>
      ${q.scenario ? `<p class="hb-q__scenario">${escape(q.scenario)}</p>` : ""}
      <fieldset class="hb-q__options">
        <legend class="hb-q__stem">${escape(q.stem).replace(/\n/g, "<br>")}</legend>
        ${options}
      </fieldset>
      <div class="hb-q__feedback" aria-live="polite"></div>
    </article>`);
}

function chosenOf(card) {
  return Array.from(card.querySelectorAll("input:checked"), (i) => Number(i.value));
}

function showFeedback(card, q, graded) {
  const full = reveal(q);
  card.querySelectorAll("input").forEach((i) => { i.disabled = true; });
  const chosen = new Set(chosenOf(card));
  const verdict = graded.correct ? "回答正确" : graded.points > 0 ? `部分正确，得 ${graded.points} 分（满分 ${graded.max} 分）` : "回答错误";
  const items = full.options.map((o, i) => `
      <li class="${o.correct ? "hb-q__right" : "hb-q__wrong"}">
        <strong>${LETTERS[i]}${o.correct ? " ✓ 正确选项" : " ✗"}${chosen.has(i) ? "（你的选择）" : ""}</strong>：${escape(o.why)}</li>`).join("");
  const answer = full.options.map((o, i) => (o.correct ? LETTERS[i] : "")).join("");
  card.querySelector(".hb-q__feedback").innerHTML = `
      <p class="hb-q__verdict ${graded.correct ? "is-right" : "is-wrong"}">${verdict}。正确答案：${answer}</p>
      <ul class="hb-q__why">${items}</ul>
      <p><a href="${window.handbookRoot}${q.section}">回到手册中对应的小节</a></p>`;
  card.classList.add(graded.correct ? "is-right" : "is-wrong");
}

/** Record an answer: the result, and the 错题本 entry moved along its schedule. */
async function record(q, correct) {
  const p = await progress();
  const date = today();
  p.answers[q.id] = { correct, date };
  const next = await call("review", p.notebook[q.id] || null, correct, date);
  if (next) p.notebook[q.id] = next;
  else delete p.notebook[q.id];
  store.save(p);
}

async function gradeOne(q, chosen) {
  return call("grade", reveal(q), chosen);
}

// ---- practice: one question at a time -------------------------------------------------------
function practice(root, questions) {
  let index = 0;
  root.innerHTML = "";
  const status = el('<p class="hb-quiz__status" aria-live="polite"></p>');
  const holder = el("<div></div>");
  const nav = el(`<div class="hb-quiz__nav hb-noprint">
      <button type="button" class="md-button" data-go="-1">上一题</button>
      <button type="button" class="md-button md-button--primary" data-go="submit">提交</button>
      <button type="button" class="md-button" data-go="1">下一题</button></div>`);
  root.append(storeNotice(store), status, holder, nav);

  async function summary() {
    const p = await progress();
    const done = questions.filter((q) => p.answers[q.id]);
    status.textContent = `本组共 ${questions.length} 题，已做 ${done.length} 题，其中答对 ${done.filter((q) => p.answers[q.id].correct).length} 题。`;
  }
  function show() {
    holder.replaceChildren(questionCard(questions[index], index + 1, questions.length));
    nav.querySelector('[data-go="-1"]').disabled = index === 0;
    nav.querySelector('[data-go="1"]').disabled = index === questions.length - 1;
    nav.querySelector('[data-go="submit"]').disabled = false;
    summary();
  }
  nav.addEventListener("click", async (event) => {
    const go = event.target.closest("[data-go]")?.dataset.go;
    if (!go) return;
    if (go !== "submit") {
      index += Number(go);
      show();
      holder.querySelector("input")?.focus();
      return;
    }
    const card = holder.firstElementChild;
    const chosen = chosenOf(card);
    const feedback = card.querySelector(".hb-q__feedback");
    if (!chosen.length) {
      feedback.textContent = "请先选择答案。";
      return;
    }
    try {
      const graded = await gradeOne(questions[index], chosen);
      showFeedback(card, questions[index], graded);
      event.target.disabled = true;
      await record(questions[index], graded.correct);
      summary();
    } catch (error) {
      feedback.textContent = error.message;
    }
  });
  show();
}

// ---- mock exam ---------------------------------------------------------------------------
function draw(pool, n) {
  const copy = pool.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

function mock(root) {
  root.innerHTML = "";
  const intro = el(`<div class="hb-quiz__start">
      <p>从题库随机抽题。交卷前不显示答案；交卷后给出总分、各章得分和每题解析，做错的题收入错题本。</p>
      ${Object.entries(MOCK).map(([k, m]) => `<button type="button" class="md-button md-button--primary" data-mock="${k}">开始${m.name}</button>`).join(" ")}
    </div>`);
  root.append(intro);
  intro.addEventListener("click", (event) => {
    const kind = event.target.closest("[data-mock]")?.dataset.mock;
    if (kind) startMock(root, MOCK[kind]);
  });
}

function startMock(root, plan) {
  const singles = draw(bank.questions.filter((q) => q.type === "single"), plan.single);
  const multis = draw(bank.questions.filter((q) => q.type === "multi"), plan.multi);
  const paper = singles.concat(multis);
  root.innerHTML = "";
  const deadline = Date.now() + plan.minutes * 60000;
  const clock = el('<p class="hb-quiz__clock" role="timer" aria-live="off"></p>');
  const finish = el('<button type="button" class="md-button md-button--primary hb-noprint">交卷</button>');
  const result = el('<div class="hb-quiz__result" aria-live="polite"></div>');
  const part = (title, questions, start) => {
    const ol = el(`<ol class="hb-quiz__paper" start="${start}"></ol>`);
    for (const q of questions) {
      const li = document.createElement("li");
      li.append(questionCard(q));
      ol.append(li);
    }
    return [el(`<h2>${title}</h2>`), ol];
  };
  root.append(
    clock,
    ...part(`一、单项选择题（共 ${singles.length} 题，每题 1 分）`, singles, 1),
    ...part(`二、多项选择题（共 ${multis.length} 题，每题 2 分；错选不得分，少选每个正确选项得 0.5 分）`, multis, singles.length + 1),
    finish, result,
  );

  const tick = () => {
    const left = Math.max(0, deadline - Date.now());
    clock.textContent = `剩余时间 ${Math.floor(left / 60000)} 分 ${String(Math.floor(left / 1000) % 60).padStart(2, "0")} 秒`;
    if (left === 0) submit(true);
  };
  const timer = setInterval(tick, 1000);
  tick();

  async function submit(timeUp) {
    if (finish.disabled) return;
    const cards = Array.from(root.querySelectorAll(".hb-q"));
    const blank = cards.filter((c) => !chosenOf(c).length).length;
    if (!timeUp && blank && !confirm(`还有 ${blank} 题未作答，确定交卷吗？`)) return;
    clearInterval(timer);
    finish.disabled = true;
    const responses = Object.fromEntries(cards.map((c) => [c.dataset.questionId, chosenOf(c)]));
    try {
      const scored = await call("exam_score", paper.map(reveal), responses);
      scored.items.forEach((graded, i) => showFeedback(cards[i], paper[i], graded));
      for (const [i, graded] of scored.items.entries()) await record(paper[i], graded.correct);
      const p = await progress();
      p.exams.push({ date: today(), points: scored.points, max: scored.max });
      store.save(p);
      const rows = Object.entries(scored.by_chapter).map(([ch, s]) =>
        `<tr><td>${escape(bank.chapters[ch])}</td><td>${s.count}</td><td>${s.correct}</td><td>${s.points} / ${s.max}</td></tr>`).join("");
      result.innerHTML = `
        <h2>成绩</h2>
        <p class="hb-quiz__score">${timeUp ? "时间到，已自动交卷。" : ""}得分 <strong data-exam-score>${scored.points}</strong> / ${scored.max}</p>
        <table><thead><tr><th>章节</th><th>题数</th><th>全对</th><th>得分</th></tr></thead><tbody>${rows}</tbody></table>
        <p>每题的解析已显示在题目下方；做错或少选的题已收入<a href="${window.handbookRoot}exam/mistakes.html">错题本</a>。</p>`;
      result.scrollIntoView();
    } catch (error) {
      result.textContent = error.message;
      finish.disabled = false;
    }
  }
  finish.addEventListener("click", () => submit(false));
}

// ---- 错题本 -------------------------------------------------------------------------------
async function review(root) {
  const p = await progress();
  const byId = new Map(bank.questions.concat(bank.drills).map((q) => [q.id, q]));
  const ids = Object.keys(p.notebook).filter((id) => byId.has(id)).sort();
  let due = [];
  let problem = "";
  try {
    due = await call("due", Object.fromEntries(ids.map((id) => [id, p.notebook[id]])), today());
  } catch (error) {
    problem = error.message;
  }
  root.replaceChildren(storeNotice(store));
  const status = el('<p class="hb-quiz__status" aria-live="polite"></p>');
  status.textContent = problem || `错题本共 ${ids.length} 题，今日待复习 ${due.length} 题。`;
  root.append(status);
  const controls = dataControls({
    label: "练习进度",
    onExport: async (say) => {
      const { format, ...data } = await progress();
      exportFile(`handbook-exam-progress-${today()}.json`, "exam-progress", data);
      say("已导出练习进度。");
    },
    onImport: async (obj, say) => {
      await checkInPieces("exam-progress", obj, null, say);
      const data = obj.data;
      const local = await progress();
      // Only questions of the current bank count: an id the bank no longer has is left out.
      const plan = mergePlan(local.notebook, data.notebook || {}, new Set(byId.keys()));
      const replace = askReplace(plan, "错题记录");
      const answers = { ...local.answers };
      for (const [id, entry] of Object.entries(data.answers || {})) {
        if (byId.has(id) && !(answers[id]?.date > entry.date)) answers[id] = entry;
      }
      const seen = new Set(local.exams.map((e) => JSON.stringify(e)));
      const exams = local.exams.concat((data.exams || []).filter((e) => !seen.has(JSON.stringify(e))));
      const saved = store.save({ ...local, answers, exams, notebook: applyPlan(local.notebook, data.notebook || {}, plan, replace) });
      say(`已导入错题本：${mergeSummary(plan, replace, "题")}。`
        + (plan.ignored ? `另有 ${plan.ignored} 题不在当前题库中，未导入。` : "")
        + (saved ? "" : "（未能保存到本机，见上方提示。）"));
      setTimeout(() => review(root), 1500);
    },
    onClear: (say) => {
      store.clear();
      say("已清除本机保存的全部练习进度。");
      setTimeout(() => review(root), 600);
    },
  });
  if (due.length) {
    root.append(el("<h2>今日待复习</h2>"));
    const box = el("<div></div>");
    root.append(box);
    practice(box, due.map((id) => byId.get(id)));
  } else if (!problem) {
    root.append(el("<p>今天没有到期的错题。</p>"));
  }
  if (ids.length) {
    const rows = ids.map((id) => `<tr><td><a href="${window.handbookRoot}${escape(byId.get(id).section)}">${escape(id)}</a></td>
        <td>${escape(byId.get(id).stem.split("\n")[0].slice(0, 40))}…</td><td>${escape(p.notebook[id].due)}</td><td>${escape(p.notebook[id].wrong)}</td></tr>`).join("");
    root.append(el(`<div><h2>全部错题</h2><table><thead><tr><th>题号</th><th>题目</th><th>下次复习</th><th>做错次数</th></tr></thead><tbody>${rows}</tbody></table></div>`));
  }
  root.append(el("<h2>导出、导入与清除</h2>"), el("<p>进度只保存在本机浏览器。换设备或清理浏览器前，请先导出为文件。</p>"), controls);
}

async function wireOne(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "true";
  const mode = read(root, "quiz");
  try {
    await loadBank(mode === "practice" ? `set-${read(root, "quiz_set")}.json` : "bank.json");
  } catch (error) {
    root.textContent = error.message;
    return;
  }
  if (mode === "mock") mock(root);
  else if (mode === "review") review(root);
  else {
    const set = read(root, "quiz_set");
    practice(root, set === "drills" ? bank.drills : bank.questions);
  }
  start(); // questions are on screen: now load the engine that grades them
}

export function wire(doc) {
  doc.querySelectorAll(sel("quiz")).forEach(wireOne);
}
