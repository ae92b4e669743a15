// Prepended to Material's bundle by tools/search_worker.py (it must run before the bundle, which asks
// for the search index as it starts): the index — most of a chapter page's first visit, and growing
// with the site — is requested only once the reader opens search (focuses the box, opens the search
// dialog, or arrives with a ?q= query). Material loads it with XMLHttpRequest; only that request waits.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var waiting = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    waiting.forEach(function (send) { send(); });
    waiting = [];
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.hbSearchIndex = INDEX.test(new URL(String(url), location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (!xhr.hbSearchIndex || released) return send.apply(xhr, args);
    waiting.push(function () { send.apply(xhr, args); });
  };

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component='search-query']")) release();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) release();
  });
  if (/[?&]q=/.test(location.search)) release();
})();
