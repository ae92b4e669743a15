// Prepended to Material's bundle by tools/search_worker.py (it must run before the bundle, which asks
// for the search index as it starts): the index — most of a chapter page's first visit, and growing
// with the site — is requested only once the reader opens search (focuses the box, opens the search
// dialog, or arrives with a ?q= query). Material loads it with XMLHttpRequest; only that request waits.
//
// Two steps, so the first query does not wait for the whole index on a slow line: Material's request is
// answered with a small index (page and section titles and the everyday words of data/search_synonyms.yml,
// about a twentieth of the whole), and the whole index is fetched right after it; once Material's search
// worker has that too, the reader's latest query is asked again and its full results replace the first.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  // Replaced by tools/search_worker.py with the small index's file name (contract.ASSETS.search_first).
  var FIRST = "__HB_SEARCH_FIRST__";
  // Material's messages to and from its search worker (checked against the bundle by tools/search_worker.py).
  var SETUP = 0, READY = 1, QUERY = 2;
  var waiting = [];
  var released = false;
  var whole = null;      // the whole index's URL, once Material has asked for the index
  var worker = null;     // Material's search worker
  var firstSetup = null; // Material's setup message (the small index): the whole one reuses its options
  var wholeIndex = null; // the whole index, once fetched
  var wholeSent = false;
  var fetching = false;
  var readies = 0;
  var lastQuery = null;

  function sendWhole() {
    if (wholeSent || !worker || !firstSetup || !wholeIndex) return;
    wholeSent = true;
    worker.postMessage({ type: SETUP, data: { config: wholeIndex.config, docs: wholeIndex.docs, options: firstSetup.data.options } });
  }

  function fetchWhole() {
    if (!whole || fetching) return;
    fetching = true;
    fetch(whole).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (index) {
      wholeIndex = index;
      sendWhole();
    }, function () { /* search keeps answering from titles and everyday words */ });
  }

  function release() {
    if (released) return;
    released = true;
    waiting.forEach(function (send) { send(); });
    waiting = [];
  }

  var Base = window.Worker;
  if (Base) {
    window.Worker = function (url, options) {
      var created = new Base(url, options);
      if (/\/workers\/search\.[^/]*\.js/.test(String(url))) watch(created);
      return created;
    };
    window.Worker.prototype = Base.prototype;
  }

  function watch(created) {
    worker = created;
    var post = created.postMessage;
    created.postMessage = function (message) {
      if (message && message.type === SETUP && !firstSetup) firstSetup = message;
      if (message && message.type === QUERY) lastQuery = message;
      var sent = post.apply(created, arguments);
      if (message && message.type === SETUP) sendWhole();
      return sent;
    };
    created.addEventListener("message", function (event) {
      // The second "ready" is the whole index's: ask the latest query again, for its full results.
      if (event.data && event.data.type === READY && ++readies === 2 && lastQuery) created.postMessage(lastQuery);
    });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    var target = new URL(String(url), location.href);
    this.hbSearchIndex = INDEX.test(target.pathname);
    var args = Array.prototype.slice.call(arguments);
    if (this.hbSearchIndex) {
      whole = target.href;
      args[1] = new URL(FIRST, target).href;
    }
    return open.apply(this, args);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (!xhr.hbSearchIndex) return send.apply(xhr, args);
    // The whole index once the small one is in: on a slow line the small one gets the line to itself.
    xhr.addEventListener("loadend", fetchWhole);
    if (released) return send.apply(xhr, args);
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
