// Loaded on every page (small): offline support, print fixes, and lazy loading of
// interactive features. Pages without a calculator, checklist or quiz load nothing else.
(function () {
  "use strict";
  var root = new URL("../../", document.currentScript.src);
  window.handbookRoot = root.href;

  if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(new URL("sw.js", root)).catch(function () {
        /* offline support is a bonus; the page works without it */
      });
    });
  }

  // Collapsed blocks print expanded; they are closed again afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  // The phone drawer opens on the main sections, not inside the current one (from the home page
  // that would show only its three side pages); the current page stays marked within them.
  document.addEventListener("change", function (event) {
    if (event.target.id !== "__drawer" || !event.target.checked) return;
    document.querySelectorAll(".md-nav--primary .md-nav__toggle:checked").forEach(function (t) { t.checked = false; });
  });

  // Material's search dialog has no accessible name of its own.
  var search = document.querySelector(".md-search[role='dialog']");
  if (search) search.setAttribute("aria-label", "搜索");

  var features = [
    ["[data-instrument]", "assets/js/calculators.js"],
    ["[data-checklist]", "assets/js/checklists.js"],
    ["[data-quiz]", "assets/js/quiz.js"],
  ];
  function wire() {
    features.forEach(function (f) {
      if (document.querySelector(f[0])) {
        import(new URL(f[1], root).href).then(function (m) { m.wire(document); });
      }
    });
  }
  // Material's instant navigation swaps the page without reloading scripts: re-wire each time.
  if (window.document$) window.document$.subscribe(wire);
  else document.addEventListener("DOMContentLoaded", wire);
})();
