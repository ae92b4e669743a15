// The case chip: on every tool page (calculators, checklists, the measurement view, the navigator), a small
// line naming the current case, the one a score or tick is filed under, with a way to switch. Every tool
// reads the same current case from the case store and follows it when another tab or page changes it.
import { openStore } from "./store.js";

const cases = openStore("cases");

function draw(chip, value) {
  const label = chip.querySelector("[data-case-chip-label]");
  const pick = chip.querySelector("select");
  label.textContent = value.current;
  const labels = Array.from(new Set([value.current, ...Object.keys(value.cases)])).sort();
  pick.replaceChildren(...labels.map((name) => new Option(name, name, false, name === value.current)));
}

/** Put the chip at the top of the page's content (once per page) and keep it current. */
export function caseChip(doc) {
  const content = doc.querySelector(".md-content__inner") || doc.querySelector("article") || doc.body;
  if (!content || content.querySelector("[data-case-chip]")) return;
  const chip = document.createElement("details");
  chip.className = "hb-casechip hb-noprint";
  chip.dataset.caseChip = "";
  chip.innerHTML = `
    <summary>当前个案：<strong data-case-chip-label>…</strong></summary>
    <div class="hb-casechip__panel">
      <label>切换到<select></select></label>
      <a href="${window.handbookRoot}practice/navigator.html">新建、改名或删除个案</a>
      <p role="status" aria-live="polite"></p>
    </div>`;
  content.prepend(chip);
  const pick = chip.querySelector("select");
  const status = chip.querySelector("[role='status']");
  pick.addEventListener("change", async () => {
    try {
      const answer = await cases.dispatch({ do: "switch_case", case: pick.value });
      status.textContent = answer.messages.join("");
    } catch (error) {
      status.textContent = error.message;
    }
  });
  const stop = cases.follow((value) => {
    if (!chip.isConnected) stop();
    else draw(chip, value);
  });
  cases.get().then((value) => draw(chip, value)).catch(() => { chip.hidden = true; });
}
