// Loaded on every page (small): offline support, print fixes, and lazy loading of
// interactive features. Pages without a calculator, checklist or quiz load nothing else.
(function () {
  "use strict";
  var root = new URL("../../", document.currentScript.src);
  window.handbookRoot = root.href;
  // The names this script shares with the pages, from the module the build writes (engine/contract.py).
  var contract = import(new URL("contract.js", document.currentScript.src).href);
  // The one rule for following a link taken from input (links.js).
  var links = import(new URL("links.js", document.currentScript.src).href);

  var offline = "serviceWorker" in navigator && /^https?:$/.test(location.protocol);
  if (offline) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(new URL("sw.js", root)).then(watchUpdates, function () {
        /* offline support is a bonus; the page works without it */
      });
    });
  }

  // A small line at the foot of the page once this build is saved on the device.
  function showOfflineReady() {
    if (!offline || !navigator.serviceWorker.controller) return;
    var footer = document.querySelector(".md-footer-meta__inner");
    if (!footer || footer.querySelector(".hb-offline-ready")) return;
    var badge = document.createElement("span");
    badge.className = "hb-offline-ready";
    badge.setAttribute("role", "status");
    badge.style.cssText = "font-size:.7rem;opacity:.8;padding:.4rem .6rem;align-self:center";
    badge.textContent = "✓ 可离线使用";
    footer.appendChild(badge);
  }

  // A new build waits until the reader asks for it; then every open page reloads on the new build,
  // so no page runs with scripts of another build.
  var reloading = false;
  function watchUpdates(registration) {
    // Browsers (and test harnesses) that block service workers resolve without a registration.
    if (!registration) return;
    navigator.serviceWorker.ready.then(showOfflineReady);
    // The first worker takes over a page already running on its build; a later one never does.
    var controller = navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (controller && !reloading) { reloading = true; reopen(); }
      controller = navigator.serviceWorker.controller;
      showOfflineReady();
    });
    function offer(worker) {
      if (!worker || !navigator.serviceWorker.controller || document.querySelector(".hb-update")) return;
      // Announced once by screen readers (a live region), tapped like any button.
      var region = document.createElement("div");
      region.setAttribute("role", "status");
      region.style.cssText = "position:fixed;left:50%;bottom:1rem;transform:translateX(-50%);z-index:10;" +
        "max-width:calc(100% - 2rem)";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "hb-update md-button md-button--primary";
      button.style.fontSize = ".8rem";
      button.textContent = "新版本可用，点此刷新";
      region.appendChild(button);
      button.addEventListener("click", function () {
        button.disabled = true;
        button.textContent = "正在切换到新版本……";
        contract.then(function (c) { worker.postMessage(c.CONTRACT.swMessages.skip_waiting); });
      });
      document.body.appendChild(region);
    }
    offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") offer(worker);
      });
    });
  }

  // After the switch: the page the reader had asked for, when the old build could only offer the
  // fallback page in its place (tools/service_worker.js, «newer»); otherwise this page again.
  function reopen() {
    var params = new URLSearchParams(location.search);
    Promise.all([contract, links]).then(function (modules) {
      var onFallback = document.querySelector(modules[0].sel("offline_retry"));
      var target = onFallback && params.get("newer") && params.get("from") &&
        modules[1].safeLink(params.get("from"), root.href, root.href);
      if (target) location.replace(target);
      else location.reload();
    }, function () { location.reload(); });
  }

  function kb(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  function catalogue() {
    return fetch(new URL("assets/offline.json", root)).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // Opened as a file (file://), the browser runs this script but no module, worker or fetch: the
  // contract, the quiz, search and the offline copy cannot start. Pages that would wait for them say
  // so instead, as the calculators do (their text is in the page, contract.NOT_RUNNING); these texts
  // live here because under file:// this script cannot load contract.js.
  var SERVE = "请运行随附的本地服务器（python3 tools/serve.py site）或用任何静态网站服务器打开本站。";
  var FILE_NOTES = {
    quiz: "练习、模拟考试和错题本需要通过网址打开本站：从本地文件（file://）打开时，浏览器不允许读取题库。" + SERVE,
    search: "从本地文件（file://）打开时不能搜索，可以从目录浏览各章。要使用搜索，" + SERVE,
    save: "离线保存需要通过网址（http 或 https）打开本站，从本地文件打开时不可用。" + SERVE
  };
  var asFile = location.protocol === "file:";
  function explainFilePage() {
    if (!asFile) return;
    document.querySelectorAll(".hb-quiz__loading").forEach(function (p) { p.textContent = FILE_NOTES.quiz; });
    document.querySelectorAll(".md-search-result__meta").forEach(function (meta) { meta.textContent = FILE_NOTES.search; });
  }

  // Privacy page: save every page of the handbook at once, with its download size shown first.
  // `c` is the contract module, or null when it could not be loaded (a page opened as a file).
  function wireSaveAll(c) {
    var box = document.querySelector(c ? c.sel("offline_save") : ".hb-offline-save");
    if (!box || box.querySelector("button")) return;
    if (!offline) {
      box.textContent = FILE_NOTES.save;
      return;
    }
    catalogue().then(function (data) {
      var pages = data.pages.filter(function (p) { return !p.shell; });
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button";
      button.textContent = "保存整本手册供离线使用（" + pages.length + " 页，约 " + kb(data.save_bytes) + "）";
      var status = document.createElement("p");
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        button.disabled = true;
        var done = 0, failed = 0;
        navigator.serviceWorker.ready.then(function () {
          // The search index too (its small first part and the whole): a page loads them only once search
          // is used, and offline it cannot be.
          var index = Promise.all([c && c.CONTRACT.assets.search_first, "search/search_index.json"].filter(Boolean).map(function (file) {
            return fetch(new URL(file, root));
          })).catch(function () { /* search stays online-only */ });
          return pages.reduce(function (chain, page) {
            return chain.then(function () {
              return fetch(new URL(page.url, root)).then(function (r) { if (!r.ok) failed++; }, function () { failed++; })
                .then(function () { done++; status.textContent = "正在保存：" + done + " / " + pages.length; });
            });
          }, index);
        }).then(function () {
          status.textContent = failed ? "已保存 " + (done - failed) + " 页，" + failed + " 页未能保存，请联网后再试。"
            : "整本手册已保存（" + done + " 页），断网时也能阅读。";
          button.disabled = false;
        });
      });
      box.textContent = "";
      box.append(button, status);
    }, function () {
      box.textContent = "暂时无法读取页面清单，请联网后刷新本页。";
    });
  }

  // Offline fallback page: list what this device has saved, by the titles the build recorded.
  function wireFallback(c) {
    var list = document.querySelector(c.sel("offline_list"));
    if (!list || list.querySelector("ul")) return;
    var from = new URLSearchParams(location.search).get("from");
    var retry = document.querySelector(c.sel("offline_retry"));
    // Sent here because the page belongs to a newer build than the one running (tools/service_worker.js).
    var newer = new URLSearchParams(location.search).get("newer");
    document.querySelectorAll("[data-offline-newer]").forEach(function (el) { el.hidden = !newer; });
    document.querySelectorAll("[data-offline-missing]").forEach(function (el) { el.hidden = !!newer; });
    if (retry && from) {
      links.then(function (m) {
        var target = m.safeLink(from, root.href, root.href);
        if (target) retry.href = target;
      });
    }
    Promise.all([catalogue(), "caches" in window ? caches.keys() : []]).then(function (results) {
      var names = results[1].filter(function (n) { return n.indexOf(c.CONTRACT.caches.prefix) === 0; });
      return Promise.all(names.map(function (n) { return caches.open(n).then(function (c) { return c.keys(); }); }))
        .then(function (keys) {
          var saved = {};
          keys.forEach(function (k) { k.forEach(function (r) { saved[r.url] = true; }); });
          var ul = document.createElement("ul");
          results[0].pages.forEach(function (p) {
            var href = new URL(p.url, root).href;
            if (!saved[href]) return;
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = href;
            a.textContent = p.title || p.url;
            li.appendChild(a);
            ul.appendChild(li);
          });
          var heading = document.createElement("p");
          heading.textContent = "本机已保存 " + ul.children.length + " 页：";
          list.textContent = "";
          list.append(heading, ul);
        });
    }).catch(function () {
      list.textContent = "无法读取本机保存的页面。";
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

  function wire() {
    explainFilePage();
    showOfflineReady();
    contract.then(function (c) {
      wireSaveAll(c);
      wireFallback(c);
      Object.keys(c.CONTRACT.features).forEach(function (name) {
        if (document.querySelector(c.sel(name))) {
          import(new URL(c.CONTRACT.features[name], root).href).then(function (m) { m.wire(document); });
        }
      });
    }, function () {
      wireSaveAll(null);
    });
  }
  // Material's instant navigation swaps the page without reloading scripts: re-wire each time.
  // Opened as a file, the theme's document$ never emits (its instant navigation is off there).
  if (window.document$ && !asFile) window.document$.subscribe(wire);
  else document.addEventListener("DOMContentLoaded", wire);
})();
