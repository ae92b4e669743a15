// Exam practice: chapter sets, technique drills, the mock exam and the 错题本. Grading and the
// review schedule are Python (engine/quiz.py) run in the worker; this file renders and stores.
import { call, start } from "./engine.js";
import { CONTRACT, sel, read, examSet } from "./contract.js";
import { storeNotice, today, exportFile, dataControls, checkInPieces } from "./files.js";
import { openStore } from "./store.js";

// Every change to the progress is an engine transition (engine/state.py) sent through the one writer.
const store = openStore("exam");
const LETTERS = "ABCDE";
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

function el(html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** A question card; its options stay disabled until the engine has said whether it takes several answers. */
function questionCard(q, { number, total, chapter = true } = {}) {
  const name = `q-${q.id}-${Math.random().toString(36).slice(2, 7)}`;
  const options = q.options.map((text, i) => `
      <label class="hb-q__option"><input type="radio" name="${name}" value="${i}" disabled>
        <span>${LETTERS[i]}. ${escape(text)}</span></label>`).join("");
  const meta = [
    `${bank.types[q.type]}<span class="hb-q__multi"></span>`,
    number ? `第 ${number}/${total} 题` : "",
    chapter ? escape(bank.chapters[q.chapter]) : "",
    escape(bank.exams[q.exam]),
  ].filter(Boolean).join(" · ");
  return el(`
    <article class="hb-q" data-question-id="${q.id}">
      <p class="hb-q__meta">${meta}</p>
      ${q.scenario ? `<p class="hb-q__scenario">${escape(q.scenario)}</p>` : ""}
      <fieldset class="hb-q__options">
        <legend class="hb-q__stem">${escape(q.stem).replace(/\n/g, "<br>")}</legend>
        ${options}
      </fieldset>
      <div class="hb-q__feedback" aria-live="polite"></div>
    </article>`);
}

/**
 * Let the reader answer the cards: the engine says which take several answers (checkboxes) and
 * which one (radios). Resolves false, having said why in `say`, when the engine cannot answer.
 */
async function prepare(cards, questions, say, { enable = true } = {}) {
  try {
    const multi = await Promise.all(questions.map((q) => call("is_multi", q)));
    cards.forEach((card, i) => {
      card.querySelectorAll("input").forEach((input) => {
        input.type = multi[i] ? "checkbox" : "radio";
        input.disabled = !enable;
      });
      if (multi[i] && bank.types[questions[i].type] !== bank.types.multi) card.querySelector(".hb-q__multi").textContent = "（多选）";
      card.dataset.ready = "true";
    });
    return true;
  } catch (error) {
    say(error.message);
    return false;
  }
}

function chosenOf(card) {
  return Array.from(card.querySelectorAll("input:checked"), (i) => Number(i.value));
}

/** The verdict, the answer and why each option is right or wrong, for a question the engine revealed. */
function showFeedback(card, full, graded) {
  card.querySelectorAll("input").forEach((i) => { i.disabled = true; });
  const chosen = new Set(chosenOf(card));
  const verdict = graded.correct ? "回答正确" : graded.points > 0 ? `部分正确，得 ${graded.points} 分（满分 ${graded.max} 分）` : "回答错误";
  const items = full.options.map((o, i) => `
      <li class="${o.correct ? "hb-q__right" : "hb-q__wrong"}">
        <strong>${LETTERS[i]}${o.correct ? " ✓ 正确选项" : " ✗"}${chosen.has(i) ? "（你的选择）" : ""}</strong>：${escape(o.why)}</li>`).join("");
  const answer = full.options.map((o, i) => (o.correct ? LETTERS[i] : "")).join("");
  card.querySelector(".hb-q__feedback").innerHTML = `
      <p class="hb-q__verdict ${graded.correct ? "is-right" : "is-wrong"}">${verdict}。正确答案：${answer}
        <a class="hb-q__section" href="${window.handbookRoot}${full.section}">手册对应小节</a></p>
      <ul class="hb-q__why">${items}</ul>`;
  card.classList.add(graded.correct ? "is-right" : "is-wrong");
}

/** Record an answer: the result, and the 错题本 entry moved along its schedule (`extra`: answered outside
 *  the schedule, see engine/quiz.py review). */
function note(q, correct, extra = false) {
  return store.dispatch({ do: "answer", question: q.id, correct, extra, today: today() });
}

// ---- practice: one question at a time -------------------------------------------------------
/** `set`: the practice set whose place is kept (chapter and drill pages); `extra`: redoing mistakes. */
function practice(root, questions, { set = null, extra = false } = {}) {
  let index = 0;
  root.innerHTML = "";
  const status = el('<p class="hb-quiz__status" aria-live="polite"></p>');
  const resume = el(`<p class="hb-quiz__resume hb-noprint" hidden><span></span>
      <button type="button" class="md-button" data-go="restart">从头再来</button></p>`);
  const holder = el('<div class="hb-quiz__holder"></div>');
  const nav = el(`<div class="hb-quiz__nav hb-noprint">
      <button type="button" class="md-button" data-go="-1">上一题</button>
      <button type="button" class="md-button md-button--primary" data-go="submit">提交</button>
      <button type="button" class="md-button" data-go="1">下一题</button></div>`);
  root.append(storeNotice(store), status, resume, holder, nav);
  const submitButton = nav.querySelector('[data-go="submit"]');

  async function summary() {
    const p = await progress();
    const done = questions.filter((q) => p.answers[q.id]);
    status.textContent = `本组共 ${questions.length} 题，已做 ${done.length} 题，其中答对 ${done.filter((q) => p.answers[q.id].correct).length} 题。`;
  }
  async function keepPlace() {
    if (!set) return;
    await store.dispatch({ do: "place", set, question: questions[index].id }).catch(() => null);
  }
  // A card is shown once the engine has said how it is answered; until then the previous card (or,
  // at first, a loading line that the engine's start timeout turns into a Chinese message) stays.
  let showing = 0;
  async function show() {
    const q = questions[index];
    const mine = ++showing;
    const card = questionCard(q, { number: index + 1, total: questions.length, chapter: !set });
    nav.querySelector('[data-go="-1"]').disabled = index === 0;
    nav.querySelector('[data-go="1"]').disabled = index === questions.length - 1;
    submitButton.disabled = true;
    if (!holder.firstElementChild) holder.append(el('<p class="hb-quiz__loading">正在准备题目……</p>'));
    summary();
    keepPlace();
    const say = (text) => holder.replaceChildren(el(`<p class="hb-quiz__loading">${escape(text)}</p>`));
    if (!await prepare([card], [q], say) || mine !== showing) return;
    holder.replaceChildren(card);
    submitButton.disabled = false;
  }
  async function go(to) {
    index = to;
    await show();
    // The next question starts where the reader is looking, not a screen further up.
    if (holder.getBoundingClientRect().top < 0) holder.scrollIntoView({ block: "start" });
    holder.querySelector("input")?.focus({ preventScroll: true });
  }
  nav.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-go]")?.dataset.go;
    if (!action) return;
    if (action !== "submit") {
      go(index + Number(action));
      return;
    }
    const card = holder.firstElementChild;
    const q = questions[index];
    const chosen = chosenOf(card);
    const feedback = card.querySelector(".hb-q__feedback");
    if (!chosen.length) {
      feedback.textContent = "请先选择答案。";
      return;
    }
    try {
      submitButton.disabled = true;
      const full = await call("reveal", q);
      const graded = await call("grade", full, chosen);
      showFeedback(card, full, graded);
      await note(q, graded.correct, extra);
      summary();
    } catch (error) {
      feedback.textContent = error.message;
      submitButton.disabled = false;
    }
  });
  resume.querySelector("button").addEventListener("click", () => {
    resume.hidden = true;
    go(0);
  });

  (async () => {
    if (set) {
      // Resume at the next question not yet answered, from where the reader was.
      const p = await progress();
      const place = Math.max(0, questions.findIndex((q) => q.id === p.practice?.[set]));
      const next = questions.findIndex((q, i) => i >= place && !p.answers[q.id]);
      const at = next >= 0 ? next : place;
      if (at > 0) {
        index = at;
        resume.querySelector("span").textContent = `上次做到第 ${at + 1} 题，已从这里继续。`;
        resume.hidden = false;
      }
    }
    show();
  })();
}

// ---- mock exam ---------------------------------------------------------------------------
const seconds = () => Math.floor(Date.now() / 1000);

function clockText(left) {
  return `剩余时间 ${Math.floor(left / 60)} 分 ${String(left % 60).padStart(2, "0")} 秒`;
}

function byIds() {
  return new Map(bank.questions.concat(bank.drills).map((q) => [q.id, q]));
}

// The papers, their parts and the ids each may draw come with the papers index (made from
// data/exam.yml); the questions of one paper come in its own file, fetched when it is drawn, so the page
// never downloads the whole bank. A fixed paper (试卷一、二、三) keeps its order; the random paper is drawn
// afresh from its pools. A short pool gives a shorter paper. A paper in progress is kept in the store and
// shown again on return.
async function loadPaper(id) {
  const index = bank;
  await loadBank(CONTRACT.examFiles.paper.replace("{}", id));
  bank = { ...index, questions: bank.questions, drills: bank.drills };
}

async function mock(root) {
  const p = await progress();
  const saved = p.mock;
  const plan = saved && bank.papers.find((x) => x.id === saved.paper);
  if (plan) {
    try {
      await loadPaper(plan.id);
    } catch (error) {
      root.textContent = error.message;
      return;
    }
    if (saved.ids.every((id) => byIds().has(id))) {
      paperView(root, plan, saved, true);
      return;
    }
  }
  root.replaceChildren(storeNotice(store));
  const short = (paper) => paper.parts.some((part) => part.count < part.wanted);
  const intro = el(`<div class="hb-quiz__start">
      ${bank.papers.map((paper) => `<p><button type="button" class="md-button md-button--primary" data-mock="${paper.id}">开始${escape(paper.name)}</button>${paper.passing ? `<br><small>满分 ${paper.full} 分，${paper.passing} 分合格。</small>` : ""}${short(paper) ? `<br><small>题库暂时只够抽 ${paper.parts.map((part) => `${part.count} 道${part.name}`).join("、")}。</small>` : ""}</p>`).join("")}
      <p>试卷一、二、三各是一套固定的试卷，三套之间没有重复的题；随机组卷每次从整个题库重新抽题。交卷前不显示答案；交卷后给出总分、各章得分和每题解析，做错的题收入错题本。未交卷的试卷连同剩余时间保存在本机，离开页面后计时暂停，回来可以接着做。</p>
    </div>`);
  root.append(intro, pastResults(p));
  intro.addEventListener("click", async (event) => {
    const kind = event.target.closest("[data-mock]")?.dataset.mock;
    if (!kind) return;
    const chosen = bank.papers.find((x) => x.id === kind);
    try {
      await loadPaper(chosen.id);
    } catch (error) {
      intro.append(el(`<p class="hb-quiz__notice">${escape(error.message)}</p>`));
      return;
    }
    // The engine draws the paper (engine/state.py draw): a fixed paper in its order, a random one from the seed.
    const paper = { id: chosen.id, minutes: chosen.minutes, fixed: chosen.fixed === true, parts: chosen.parts, pool: chosen.pool };
    const seed = Math.floor(Math.random() * 2147483647);
    const answer = await store.dispatch({ do: "draw", paper, seed, now: seconds(), today: today() });
    paperView(root, chosen, answer.store.mock, false);
  });
}

/** The stored results of earlier papers, newest first. */
function pastResults(p) {
  const box = el('<div class="hb-quiz__past"><h2>以往成绩</h2></div>');
  if (!p.exams.length) {
    box.append(el("<p>还没有交过卷。</p>"));
    return box;
  }
  const names = new Map(bank.papers.map((x) => [x.id, x.name]));
  const items = p.exams.slice().reverse().map((e) => `<li>${escape(e.date)} · ${escape(names.get(e.paper) || "模拟考试")}：<strong>${escape(e.points)}</strong> / ${escape(e.max)} 分</li>`);
  box.append(el(`<ul>${items.join("")}</ul>`));
  return box;
}

function paperView(root, plan, saved, resumed) {
  // The page's own copy: what it keeps of the answers never changes the store's value behind the engine.
  const state = structuredClone(saved);
  const byId = byIds();
  const paper = state.ids.map((id) => byId.get(id));
  root.innerHTML = "";
  const notice = el('<div class="hb-quiz__notice" aria-live="polite"></div>');
  const result = el('<div class="hb-quiz__result" aria-live="polite" tabindex="-1"></div>');
  const clock = el('<p class="hb-quiz__clock" role="timer" aria-live="off"></p>');
  const actions = el(`<p class="hb-quiz__finish hb-noprint">
      <button type="button" class="md-button md-button--primary" data-do="submit">交卷</button>
      <button type="button" class="md-button" data-do="abandon">放弃本卷</button></p>`);
  const finish = actions.querySelector('[data-do="submit"]');
  const cards = [];
  let offset = 0;
  const parts = plan.parts.flatMap((part, n) => {
    const ol = el(`<ol class="hb-quiz__paper" start="${offset + 1}"></ol>`);
    // The last part takes whatever remains, should the layout have changed since the paper was drawn.
    for (const q of paper.slice(offset, n === plan.parts.length - 1 ? paper.length : offset + part.count)) {
      const card = questionCard(q);
      cards.push(card);
      const li = document.createElement("li");
      li.append(card);
      ol.append(li);
    }
    offset += part.count;
    return [el(`<h2>${escape(part.title)}</h2>`), ol];
  });
  const marked = new Set(state.marked || []);
  const sheet = answerSheet(cards, marked, () => {
    store.dispatch({ do: "mock_mark", marked: [...marked] }).catch((error) => { notice.textContent = error.message; });
  });
  // The sheet comes before 交卷 so that, pinned at the bottom, it never covers the button.
  root.append(storeNotice(store), result, notice, clock, ...parts, sheet.element, actions);

  // The clock runs only while this page is shown: leaving (another page, reload, closing the tab)
  // stops it and saves the time left; coming back resumes from there.
  let left = state.left;
  let deadline = 0;
  let timer = null;
  let submitted = false;
  let expired = false;
  const leaving = new AbortController();
  const on = (target, type, fn, capture = false) => target.addEventListener(type, fn, { signal: leaving.signal, capture });

  async function save() {
    if (submitted) return;
    if (timer) left = Math.max(0, deadline - seconds());
    await store.dispatch({ do: "clock_pause", now: seconds(), left, at: state.at }).catch(() => null);
  }
  function pause() {
    if (!timer) return;
    clearInterval(timer);
    left = Math.max(0, deadline - seconds());
    timer = null;
    save();
  }
  function tick() {
    if (!root.isConnected) { // the reader went to another page of the site
      pause();
      leaving.abort();
      return;
    }
    left = Math.max(0, deadline - seconds());
    drawClock();
    if (left > 0) return;
    pause();
    if (document.hidden) {
      store.dispatch({ do: "clock_expire", now: seconds() }).then((answer) => timeIsUp(answer.messages.join("")), () => timeIsUp(""));
    } else submit(true);
  }
  // Drawn on every tick and on every answer, so it never shows another count than the answer sheet.
  function drawClock() {
    const answered = cards.filter((card) => card.querySelector("input:checked")).length;
    clock.textContent = `${clockText(left)} · 已答 ${answered}/${cards.length} 题`;
  }
  function run() {
    if (timer || submitted) return;
    deadline = seconds() + left;
    timer = setInterval(tick, 1000);
    tick();
  }
  function timeIsUp(why) {
    expired = true;
    clock.textContent = "时间已到";
    cards.forEach((card) => card.querySelectorAll("input").forEach((i) => { i.disabled = true; }));
    notice.innerHTML = `<p>${escape(why)}可以按已作答的内容交卷，或者放弃这份试卷、重新开始。</p>
      <p><button type="button" class="md-button md-button--primary" data-do="submit">交卷</button>
      <button type="button" class="md-button" data-do="restart">重新开始</button></p>`;
  }
  async function restart() {
    submitted = true;
    clearInterval(timer);
    leaving.abort();
    await store.dispatch({ do: "abandon" }).catch(() => null);
    mock(root);
  }

  on(window, "pagehide", pause);
  on(window, "pageshow", (event) => { // back from the browser's page cache: as on any return
    if (!event.persisted || !root.isConnected || expired || submitted) return;
    // The engine decides whether the time ran out while the page was away (engine/state.py clock_resume).
    store.dispatch({ do: "clock_resume", now: seconds() }).then((answer) => {
      if (answer.clock === "expired") timeIsUp(answer.messages.join(""));
      else run();
    }, () => timeIsUp(""));
  });
  on(document, "visibilitychange", () => { if (document.hidden) save(); });
  on(window, "beforeunload", (event) => {
    if (submitted || !root.isConnected) return;
    event.preventDefault();
    event.returnValue = "";
  });
  // Links to other pages of the site (Material swaps pages without unloading): ask first.
  on(document, "click", (event) => {
    const link = event.target.closest?.("a[href]");
    if (!link || submitted || !root.isConnected || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.pathname === location.pathname && url.search === location.search) return;
    if (confirm("试卷还没有交卷。离开后，已作答的内容和剩余时间保存在本机，计时暂停，回到本页可以接着做。确定离开吗？")) pause();
    else {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  root.addEventListener("change", (event) => {
    const card = event.target.closest(".hb-q");
    if (!card || submitted) return;
    state.responses[card.dataset.questionId] = chosenOf(card);
    state.at = cards.indexOf(card);
    if (timer) left = Math.max(0, deadline - seconds());
    store.dispatch({ do: "mock_answer", question: card.dataset.questionId, chosen: chosenOf(card), now: seconds(), left })
      .catch((error) => { notice.textContent = error.message; });
    sheet.update();
    if (timer) drawClock();
  });
  root.addEventListener("focusin", (event) => {
    const at = cards.indexOf(event.target.closest(".hb-q"));
    if (at >= 0 && at !== state.at && !submitted) {
      state.at = at;
      save();
    }
  });
  actions.addEventListener("click", (event) => {
    const what = event.target.closest("[data-do]")?.dataset.do;
    if (what === "submit") submit(false);
    else if (what === "abandon" && confirm("放弃这份试卷吗？已作答的内容不计分，也不会收入错题本。")) restart();
  });
  notice.addEventListener("click", (event) => {
    const what = event.target.closest("[data-do]")?.dataset.do;
    if (what === "submit") submit(true);
    else if (what === "restart") restart();
  });

  async function submit(timeUp) {
    if (submitted) return;
    const blank = cards.filter((c) => !chosenOf(c).length).length;
    if (!timeUp && blank && !confirm(`还有 ${blank} 题未作答，确定交卷吗？`)) return;
    submitted = true;
    clearInterval(timer);
    timer = null;
    finish.disabled = true;
    notice.replaceChildren();
    const responses = Object.fromEntries(cards.map((c) => [c.dataset.questionId, chosenOf(c)]));
    try {
      const full = await Promise.all(paper.map((q) => call("reveal", q)));
      // The engine grades and files the paper (engine/state.py submit): only wrong answers enter the 错题本,
      // unanswered ones are kept apart. The report (engine/quiz.py exam_report) reads the papers done before.
      const past = pastOfSubject((await progress()).exams, plan);
      await store.dispatch({ do: "submit", questions: full, responses, today: today() });
      const report = await call("exam_report", full, responses, plan.passing ?? null, plan.full ?? null, past, today(), plan.id);
      report.items.forEach((graded, i) => showFeedback(cards[i], full[i], graded));
      leaving.abort();
      clock.hidden = true;
      actions.hidden = true;
      sheet.element.hidden = true;
      reportView(result, report, { timeUp, again: () => mock(root) });
      result.scrollIntoView({ block: "start" });
      result.focus({ preventScroll: true });
    } catch (error) {
      result.textContent = error.message;
      submitted = false;
      finish.disabled = false;
      if (!timeUp) run();
    }
  }

  (async () => {
    const ready = await prepare(cards, paper, (text) => { notice.textContent = text; }, { enable: false });
    if (!ready || submitted) return;
    cards.forEach((card) => {
      for (const i of state.responses[card.dataset.questionId] || []) {
        const input = card.querySelector(`input[value="${i}"]`);
        if (input) input.checked = true;
      }
    });
    if (resumed) {
      cards[state.at]?.scrollIntoView({ block: "start" });
      const answer = await store.dispatch({ do: "clock_resume", now: seconds() });
      if (answer.clock === "expired") {
        clock.textContent = clockText(left);
        timeIsUp(answer.messages.join(""));
        return;
      }
      notice.innerHTML = `<p class="hb-quiz__resumed">${escape(answer.messages.join(""))}</p>`;
    }
    cards.forEach((card) => card.querySelectorAll("input").forEach((i) => { i.disabled = false; }));
    run();
  })();
}

// ---- answer sheet and score report (issue 22) ------------------------------------------------
// New functions only. The sheet reads the cards on the page; the report draws what
// engine/quiz.py exam_report decided (totals, pass line, weakest 考点, history). Saving stays with
// paperView above: the sheet tells it which questions are marked and paperView saves.

/** 答题卡: one small cell per question — answered, unanswered or marked; tapping a cell jumps to it.
 * Pinned small at the bottom of the screen on a phone, opened with its button. */
function answerSheet(cards, marked, onMark) {
  const element = el(`<nav class="hb-sheet hb-noprint" aria-label="答题卡">
      <button type="button" class="hb-sheet__toggle" aria-expanded="false">答题卡 <span data-sheet-count></span></button>
      <ol class="hb-sheet__grid" hidden></ol>
      <p class="hb-sheet__legend" hidden><span class="hb-sheet__cell is-answered">已答</span><span class="hb-sheet__cell">未答</span><span class="hb-sheet__cell is-marked">标记</span></p></nav>`);
  const grid = element.querySelector("ol");
  const toggle = element.querySelector("button");
  cards.forEach((card, i) => {
    const li = document.createElement("li");
    // A button, not a link to the card: the theme's instant navigation redraws the whole page on a
    // first link within the page, wiring the paper again from what is saved so far.
    li.innerHTML = `<button type="button" class="hb-sheet__cell" data-sheet-at="${i}">${i + 1}</button>`;
    grid.append(li);
    const mark = el(`<button type="button" class="hb-q__mark hb-noprint" aria-pressed="${marked.has(card.dataset.questionId)}">标记</button>`);
    card.querySelector(".hb-q__meta").append(" ", mark);
    mark.addEventListener("click", () => {
      const id = card.dataset.questionId;
      const on = !marked.has(id);
      if (on) marked.add(id);
      else marked.delete(id);
      mark.setAttribute("aria-pressed", String(on));
      onMark(id, on);
      update();
    });
  });
  function update() {
    let answered = 0;
    cards.forEach((card, i) => {
      const cell = grid.children[i].firstChild;
      const done = chosenOf(card).length > 0;
      answered += done ? 1 : 0;
      cell.classList.toggle("is-answered", done);
      cell.classList.toggle("is-marked", marked.has(card.dataset.questionId));
      cell.setAttribute("aria-label", `第 ${i + 1} 题，${done ? "已答" : "未答"}${marked.has(card.dataset.questionId) ? "，已标记" : ""}`);
    });
    element.querySelector("[data-sheet-count]").textContent = `已答 ${answered}/${cards.length}${marked.size ? ` · 标记 ${marked.size}` : ""}`;
  }
  function show(open) {
    grid.hidden = !open;
    element.querySelector(".hb-sheet__legend").hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  }
  toggle.addEventListener("click", () => show(grid.hidden));
  grid.addEventListener("click", (event) => {
    const at = event.target.closest("[data-sheet-at]")?.dataset.sheetAt;
    if (at === undefined) return;
    show(false); // folded again, so the open sheet does not cover the question jumped to
    const card = cards[Number(at)];
    card.scrollIntoView({ block: "start" });
    card.querySelector("input")?.focus({ preventScroll: true });
  });
  update();
  return { element, update };
}

/** Earlier results of papers of the same subject (all papers when this one imitates none). */
function pastOfSubject(exams, plan) {
  const subject = new Map(bank.papers.map((x) => [x.id, x.subject || null]));
  return exams.filter((e) => !plan.subject || subject.get(e.paper) === plan.subject);
}

/** A 考点 as the report names it: the chapter of its page and the heading it links to. */
function sectionName(section) {
  const [page, anchor = ""] = section.split("#");
  const folder = page.split("/")[0];
  return `${bank.chapters[folder] || folder} · ${decodeURIComponent(anchor).replace(/-/g, " ") || "本章"}`;
}

function reportView(box, report, { timeUp, again }) {
  const names = new Map(bank.papers.map((x) => [x.id, x.name]));
  const verdict = report.passed === null ? "" : ` data-passed="${report.passed}"`;
  const chapters = report.by_exam.map((r) => `<tr><td>${escape(bank.exams[r.key] || r.key)}</td><td>${r.points} / ${r.max}</td>
      <td>${r.right}</td><td>${r.partial}</td><td>${r.wrong}</td><td>${r.blank}</td></tr>`).join("");
  const weakest = report.weakest.map((r) => `<li><a href="${window.handbookRoot}${escape(r.key)}">${escape(sectionName(r.key))}</a>：
      失 ${r.lost} 分（${r.ids.length} 题${r.blank ? `，其中未答 ${r.blank} 题` : ""}）</li>`).join("");
  const sections = report.by_section.map((r) => `<tr><td><a href="${window.handbookRoot}${escape(r.key)}">${escape(sectionName(r.key))}</a></td>
      <td>${r.points} / ${r.max}</td><td>${r.blank}</td></tr>`).join("");
  const history = report.history.map((r) => `<tr><td>${escape(r.date)}</td><td>${escape(names.get(r.paper) || r.paper)}</td>
      <td>${r.points} / ${r.max}</td><td>${r.percent}%</td></tr>`).join("");
  box.innerHTML = `
    <h2>成绩</h2>
    <p class="hb-quiz__score">${timeUp ? "时间已到，已按作答内容交卷。" : ""}得分 <strong data-exam-score>${report.points}</strong> / ${report.max}</p>
    ${report.lines.map((line, i) => `<p class="hb-report__line"${i ? "" : verdict}>${escape(line)}</p>`).join("")}
    <h3>按章节</h3>
    <div class="hb-report__wide"><table><thead><tr><th>章节</th><th>得分</th><th>全对</th><th>部分得分</th><th>答错</th><th>未答</th></tr></thead><tbody>${chapters}</tbody></table></div>
    ${weakest ? `<h3>最薄弱的考点</h3><ol class="hb-report__weak">${weakest}</ol>
    <p class="hb-noprint"><button type="button" class="md-button md-button--primary" data-do="retry">再练这些</button></p>
    <div class="hb-report__retry"></div>` : "<p>各考点都拿到了满分。</p>"}
    <details><summary>按考点的得分</summary><table><thead><tr><th>考点</th><th>得分</th><th>未答</th></tr></thead><tbody>${sections}</tbody></table></details>
    <h3>以往成绩</h3>
    <div class="hb-report__chart" aria-hidden="true"></div>
    <table class="hb-report__history"><thead><tr><th>日期</th><th>试卷</th><th>得分</th><th>得分率</th></tr></thead><tbody>${history}</tbody></table>
    <p>每题的解析已显示在题目下方；做错或少选的题已收入<a href="${window.handbookRoot}exam/mistakes.html">错题本</a>。</p>
    <p class="hb-noprint"><button type="button" class="md-button" data-do="again">再做一份</button></p>`;
  box.querySelector('[data-do="again"]').addEventListener("click", again);
  box.querySelector('[data-do="retry"]')?.addEventListener("click", (event) => {
    event.target.disabled = true;
    const byId = byIds();
    const ids = report.weakest.flatMap((r) => r.ids).filter((id) => byId.has(id));
    practice(box.querySelector(".hb-report__retry"), ids.map((id) => byId.get(id)), { extra: true });
  });
  historyChart(box.querySelector(".hb-report__chart"), report.history);
  box.scrollIntoView({ block: "start" });
  box.focus({ preventScroll: true });
}

/** The history as a line of 得分率 (%) over the papers, drawn with the site's chart library (uPlot);
 * the table under it carries the same figures for screen readers and print. */
async function historyChart(box, rows) {
  if (rows.length < 2) {
    box.hidden = true;
    return;
  }
  try {
    const root = new URL("../../", import.meta.url);
    if (!window.uPlot) {
      document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL(CONTRACT.assets.chart_css, root).href }));
      await new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement("script"), { src: new URL(CONTRACT.assets.chart_js, root).href });
        script.onload = resolve;
        script.onerror = reject;
        document.head.append(script);
      });
    }
    const width = Math.max(240, box.clientWidth || 320);
    const xs = rows.map((_, i) => i + 1);
    new window.uPlot({
      width, height: 180, legend: { show: false },
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [{ values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? `第${t}次` : "")) }, { values: (u, ticks) => ticks.map((t) => `${t}%`) }],
      series: [{}, { stroke: getComputedStyle(box).getPropertyValue("--hb-chart-line").trim() || "#2e7d32", width: 2, points: { show: true } }],
    }, [xs, rows.map((r) => r.percent)], box);
  } catch {
    box.hidden = true; // the table below says the same
  }
}

// ---- 错题本 -------------------------------------------------------------------------------
const WORK = {
  due: { label: "今日待复习", empty: "今天没有到期的错题。", extra: false },
  today: { label: "今天的错题", empty: "今天还没有做错的题。", extra: true },
  all: { label: "重做全部错题", empty: "错题本是空的。", extra: true },
};

async function review(root, mode = null) {
  const p = await progress();
  const byId = byIds();
  const ids = Object.keys(p.notebook).filter((id) => byId.has(id)).sort();
  const book = Object.fromEntries(ids.map((id) => [id, p.notebook[id]]));
  const lists = {};
  let problem = "";
  try {
    for (const which of Object.keys(WORK)) lists[which] = await call("due", book, today(), which, p.answers);
  } catch (error) {
    problem = error.message;
  }
  root.replaceChildren(storeNotice(store));
  const status = el('<p class="hb-quiz__status" aria-live="polite"></p>');
  status.textContent = problem || `错题本共 ${ids.length} 题，今日待复习 ${lists.due.length} 题，今天做错 ${lists.today.length} 题。`;
  root.append(status);
  const controls = dataControls({
    label: "练习进度",
    onExport: async (say) => {
      const answer = await store.dispatch({ do: "export" });
      exportFile(`handbook-exam-progress-${today()}.json`, answer.envelope);
      say("已导出练习进度。");
    },
    onImport: async (obj, say) => {
      await checkInPieces("exam-progress", obj, null, say);
      // Only questions of the current bank count: an id the bank no longer has is left out.
      const known = Array.from(byId.keys());
      const plan = await store.dispatch({ do: "import_plan", file: obj, known });
      const replace = plan.question ? confirm(plan.question) : false;
      const answer = await store.dispatch({ do: "import_apply", file: obj, known, replace });
      say(answer.messages.join("") + (answer.saved ? "" : "（未能保存到本机，见上方提示。）"));
      setTimeout(() => review(root), 1500);
    },
    onClear: async (say) => {
      const answer = await store.dispatch({ do: "clear" });
      say(answer.messages.join(""));
      setTimeout(() => review(root), 600);
    },
  });
  if (!problem && ids.length) {
    const chosen = mode || Object.keys(WORK).find((which) => lists[which].length);
    const modes = el(`<div class="hb-quiz__modes hb-noprint" role="group" aria-label="做哪些错题">${Object.entries(WORK).map(([which, w]) =>
      `<button type="button" class="md-button${which === chosen ? " md-button--primary" : ""}" aria-pressed="${which === chosen}" data-mode="${which}">${w.label}（${lists[which].length}）</button>`).join("")}</div>`);
    const box = el('<div class="hb-quiz__work"></div>');
    modes.addEventListener("click", (event) => {
      const which = event.target.closest("[data-mode]")?.dataset.mode;
      if (which) review(root, which);
    });
    root.append(modes, box);
    if (lists[chosen].length) practice(box, lists[chosen].map((id) => byId.get(id)), { extra: WORK[chosen].extra });
    else box.append(el(`<p>${WORK[chosen].empty}</p>`));
  } else if (!problem) {
    root.append(el(`<p>${WORK.all.empty}做错的题会自动收进来。</p>`));
  }
  if (ids.length) {
    const rows = ids.map((id) => {
      const q = byId.get(id);
      return `<tr><td data-label="题号"><a href="${window.handbookRoot}${escape(q.section)}">${escape(id)}</a></td>
        <td data-label="题目">${escape(q.stem.split("\n")[0].slice(0, 40))}…<br><small>${escape(bank.exams[q.exam])}</small></td>
        <td data-label="下次复习">${escape(p.notebook[id].due)}</td><td data-label="做错次数">${escape(p.notebook[id].wrong)}</td></tr>`;
    }).join("");
    root.append(el(`<div><h2>全部错题</h2><table class="hb-mistakes"><thead><tr><th>题号</th><th>题目</th><th>下次复习</th><th>做错次数</th></tr></thead><tbody>${rows}</tbody></table></div>`));
  }
  root.append(el("<h2>导出、导入与清除</h2>"), el("<p>进度只保存在本机浏览器。换设备或清理浏览器前，请先导出为文件。</p>"), controls);
}

async function wireOne(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "true";
  const mode = read(root, "quiz");
  try {
    const file = { practice: examSet(read(root, "quiz_set")), mock: CONTRACT.examFiles.papers }[mode] || CONTRACT.examFiles.bank;
    await loadBank(file);
  } catch (error) {
    root.textContent = error.message;
    return;
  }
  if (mode === "mock") mock(root);
  else if (mode === "review") review(root);
  else {
    const set = read(root, "quiz_set");
    practice(root, set === "drills" ? bank.drills : bank.questions, { set });
  }
  start(); // questions are on screen: now load the engine that grades them
}

export function wire(doc) {
  doc.querySelectorAll(sel("quiz")).forEach(wireOne);
}
