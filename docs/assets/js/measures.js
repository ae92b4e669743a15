// The measurement view: a case's saved scale results over time, one chart and one table per
// instrument. Changes and verdicts come from engine/measures.py; this script only draws them.
// The chart library (uPlot) is loaded here and nowhere else; the table is the chart's text version.
import { call } from "./engine.js";
import { CONTRACT, sel, read } from "./contract.js";
import { storeNotice } from "./files.js";
import { openStore } from "./store.js";
import { caseChip } from "./casechip.js";

const store = openStore("cases");
const siteRoot = new URL("../../", import.meta.url);
const PRINT_WIDTH = 680; // px: the text width of an A4 page with the theme's print margins
let library = null;

/** uPlot, loaded once (script and its stylesheet from the site's vendor folder). */
function chartLibrary() {
  library ||= new Promise((resolve, reject) => {
    document.head.append(Object.assign(document.createElement("link"), {
      rel: "stylesheet", href: new URL(CONTRACT.assets.chart_css, siteRoot).href,
    }));
    const script = Object.assign(document.createElement("script"), { src: new URL(CONTRACT.assets.chart_js, siteRoot).href });
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => {
      library = null;
      reject(new Error("图表组件没有下载完整，下表照常列出全部数据。"));
    };
    document.head.append(script);
  });
  return library;
}

function element(tag, props = {}, ...children) {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

function table(data) {
  const head = ["测量日期", `${data.label}（分级）`, "较基线", "较上次", "警示"];
  const body = data.points.map((p, index) => element("tr", {},
    element("th", { scope: "row", textContent: p.date }),
    element("td", { textContent: p.band ? `${p.total_text}（${p.band}）` : p.total_text }),
    element("td", { textContent: index === 0 ? "基线" : p.from_baseline.text }),
    element("td", { textContent: index === 0 ? "—" : p.from_previous.text }),
    element("td", { textContent: p.flag_texts.join("；") || "—" }),
  ));
  return element("table", { className: "hb-measures__table" },
    element("caption", { textContent: `${data.abbr} 各次测量（图的文字版）` }),
    element("thead", {}, element("tr", {}, ...head.map((h) => element("th", { scope: "col", textContent: h })))),
    element("tbody", {}, ...body),
  );
}

function colours(box) {
  const css = getComputedStyle(box);
  const v = (name) => css.getPropertyValue(name).trim();
  return { text: v("--hb-chart-text"), grid: v("--hb-chart-grid"), line: v("--hb-chart-line"),
    band: v("--hb-chart-band"), flag: v("--hb-chart-flag"), paper: v("--hb-chart-paper") };
}

/** One uPlot chart in `box`; returns a function that draws it again at the box's current width. */
function chart(uPlot, box, data) {
  let plot = null;
  const draw = () => {
    plot?.destroy();
    // Another page is shown now (instant navigation): this chart is gone for good.
    if (!box.isConnected) {
      redraws.delete(draw);
      return;
    }
    const c = colours(box);
    const width = Math.max(240, box.clientWidth);
    const dpr = uPlot.pxRatio;
    const days = data.points.map((p) => p.day);
    const first = days[0];
    const last = days[days.length - 1];
    const pad = Math.max(3, Math.round((last - first) * 0.06));
    const oneYear = data.points[0].date.slice(0, 4) === data.points[data.points.length - 1].date.slice(0, 4);
    const names = new Map(data.points.map((p) => [p.day, oneYear ? p.date.slice(5) : p.date]));
    // At most one date label per ~64 px; the latest measure is always labelled.
    const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(width / 64))));
    const ticks = days.filter((_, i) => (days.length - 1 - i) % every === 0);
    const font = `${12}px sans-serif`;
    const axis = { stroke: c.text, font, labelFont: font, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
    const shade = (u) => {
      const { ctx } = u;
      const { left, width: span } = u.bbox;
      ctx.save();
      data.bands.forEach((band, i) => {
        const top = u.valToPos(band.to, "y", true);
        const bottom = u.valToPos(band.from, "y", true);
        const severity = data.higher_is_better ? data.bands.length - 1 - i : i;
        ctx.globalAlpha = 0.06 + (0.3 * severity) / Math.max(1, data.bands.length - 1);
        ctx.fillStyle = c.band;
        ctx.fillRect(left, top, span, bottom - top);
        ctx.globalAlpha = 1;
        ctx.fillStyle = c.text;
        ctx.font = `${11 * dpr}px sans-serif`;
        ctx.textAlign = "right";
        ctx.textBaseline = "middle";
        if (bottom - top > 12 * dpr) ctx.fillText(band.label, left + span - 4 * dpr, (top + bottom) / 2);
      });
      ctx.restore();
    };
    const flags = (u) => {
      const { ctx } = u;
      ctx.save();
      ctx.strokeStyle = c.flag;
      ctx.lineWidth = 2.5 * dpr;
      data.points.forEach((p) => {
        if (!p.flags.length) return;
        ctx.beginPath();
        ctx.arc(u.valToPos(p.day, "x", true), u.valToPos(p.total, "y", true), 9 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
      });
      ctx.restore();
    };
    plot = new uPlot({
      width,
      height: Math.round(Math.min(320, Math.max(220, width * 0.6))),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [first - pad, last + pad] }, y: { range: [data.low, data.high] } },
      axes: [
        { ...axis, label: oneYear ? `测量日期（${data.points[0].date.slice(0, 4)} 年，月-日）` : "测量日期",
          splits: () => ticks, values: (u, splits) => splits.map((d) => names.get(d) ?? "") },
        { ...axis, label: `${data.label}（${data.direction}）`, size: 44 },
      ],
      series: [{}, { label: data.abbr, stroke: c.line, width: 2, points: { show: true, size: 8, fill: c.paper, stroke: c.line, width: 2 } }],
      hooks: { drawClear: [shade], draw: [flags] },
    }, [days, data.points.map((p) => p.total)], box);
  };
  draw();
  return draw;
}

const redraws = new Set();
let watching = false;

/** Charts follow the width (phone rotation), the colour scheme and the printed page. */
function watchLayout() {
  if (watching) return;
  watching = true;
  let timer = 0;
  const again = () => redraws.forEach((fn) => fn());
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(again, 150);
  });
  new MutationObserver(again).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll(".hb-measures").forEach((el) => el.classList.add("hb-measures--print"));
    document.querySelectorAll(".hb-measures__chart").forEach((el) => { el.style.width = `${PRINT_WIDTH}px`; });
    again();
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll(".hb-measures").forEach((el) => el.classList.remove("hb-measures--print"));
    document.querySelectorAll(".hb-measures__chart").forEach((el) => { el.style.width = ""; });
    again();
  });
}

function section(data) {
  const box = element("div", { className: "hb-measures__canvas" });
  box.setAttribute("aria-hidden", "true");
  const figure = element("figure", { className: "hb-measures__chart" }, box);
  figure.setAttribute("role", "img");
  figure.setAttribute("aria-label", `${data.abbr} ${data.label}随测量日期变化的折线图，底色为分级，红圈为有警示条目的测量；数据见下表。`);
  figure.setAttribute(CONTRACT.attr.measure_points, JSON.stringify(data.points.map((p) => ({ date: p.date, total: p.total }))));
  const summary = element("p", { className: "hb-measures__summary", textContent: data.summary });
  summary.setAttribute(CONTRACT.attr.measure_verdict, data.verdict);
  const out = element("section", { className: "hb-measures__series" },
    element("h3", { textContent: `${data.abbr} ${data.name}` }),
    summary,
    figure,
    element("p", { className: "hb-measures__legend", textContent: "图例：折线为各次总分；底色由浅到深为分级（名称在右侧）；红圈表示该次测量有警示条目。" }),
    table(data),
  );
  if (data.threshold) {
    out.append(element("p", { className: "hb-measures__source", textContent: `变化阈值出处：${data.threshold.source}` }));
  }
  out.setAttribute(CONTRACT.attr.measure_series, data.instrument);
  if (data.points.some((p) => p.rescored)) {
    out.append(element("p", { textContent: `部分测量是用较早的评分规则保存的，已按当前规则（${data.version}）由保存的作答重新计分。` }));
  }
  return { out, box, data };
}

async function draw(root, label) {
  const body = root.querySelector(".hb-measures__body");
  const status = root.querySelector(".hb-measures__status");
  const limits = JSON.parse(read(root, "measure_thresholds") || "{}");
  const s = await store.get();
  const entries = s.cases[label]?.[CONTRACT.measures] || [];
  const byInstrument = new Map();
  entries.forEach((entry) => {
    if (!byInstrument.has(entry.instrument)) byInstrument.set(entry.instrument, []);
    byInstrument.get(entry.instrument).push(entry);
  });
  redraws.clear();
  body.replaceChildren();
  status.textContent = "正在计算变化……";
  const parts = [];
  for (const [id, list] of byInstrument) {
    try {
      // Given the case, the engine refuses a stored total no instrument could give (naming case, date, field).
      parts.push(section(await call("measure_series", id, list, limits[id] ?? null, label)));
    } catch (error) {
      body.append(element("p", { textContent: `${id}：${error.message}` }));
    }
  }
  parts.forEach((part) => body.append(part.out));
  status.textContent = `个案“${label}”：${entries.length} 次测量，${byInstrument.size} 个量表。`;
  try {
    const uPlot = await chartLibrary();
    for (const part of parts) redraws.add(chart(uPlot, part.box, part.data));
  } catch (error) {
    status.textContent += error.message;
  }
}

export async function wire(doc) {
  const root = doc.querySelector(sel("measures"));
  if (!root || root.dataset.wired) return;
  root.dataset.wired = "true";
  watchLayout();
  caseChip(doc);
  root.prepend(storeNotice(store));
  const pick = root.querySelector("select");
  const status = root.querySelector(".hb-measures__status");
  status.textContent = "正在读取本机保存的测量记录……";
  pick.addEventListener("change", () => draw(root, pick.value));
  // The current case is shown first; a switch or a save in another tab or page redraws.
  const show = async (s) => {
    const labels = Object.keys(s.cases).filter((label) => s.cases[label][CONTRACT.measures]?.length).sort();
    pick.closest("p").hidden = !labels.length;
    if (!labels.length) {
      root.querySelector(".hb-measures__body").replaceChildren();
      status.textContent = "本机还没有保存过测量记录。在任一量表计算器完成作答后，用表单下方的“保存到个案”保存，再回到本页查看。";
      return;
    }
    const chosen = labels.includes(s.current) ? s.current : labels[0];
    pick.replaceChildren(...labels.map((label) => new Option(label, label, false, label === chosen)));
    await draw(root, chosen);
  };
  const stop = store.follow((s) => {
    if (!root.isConnected) stop();
    else show(s);
  });
  await show(await store.get());
}
