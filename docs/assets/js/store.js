// The one writer: the only script that writes to localStorage or sessionStorage. Pages send an action;
// the engine (engine/state.py transition) answers the new store and what to say; this module writes it.
// Every read is checked by the engine; unreadable data is set aside untouched (never overwritten), one copy
// per distinct content, at most MAX_SET_ASIDE copies. Two tabs: each store carries a revision ("rev");
// an action is sent with the revision this tab last drew, so the engine merges changes to different items
// and asks about the same item; the `storage` event makes every open tab redraw after another tab's write.
// Each tab's browser copy of the storage catches up with another tab's write a moment later, so a tab can
// write over a write it has not yet seen: the tab whose write was replaced sends it again (see recover).
import { CONTRACT, storageKey as keyOf, emptyStore, draftKey as draftKeyOf } from "./contract.js";
import { call } from "./engine.js";

const siteRoot = new URL(window.handbookRoot || new URL("../../", import.meta.url)).pathname;
const stores = new Map();
// Set-aside copies kept per store: a damaged value is never overwritten, and a page that keeps meeting
// new damaged values (another program writing here) cannot fill the browser's storage with copies.
const MAX_SET_ASIDE = 3;
// A write found another tab's write in between: the action is sent again on the newer store, this often.
const RETRIES = 3;
// This tab's last writes of actions the engine says to send again if replaced unseen (answer.replay).
const KEPT_WRITES = 20;

/** The localStorage key of a store for this copy of the handbook (its root path is part of it). */
export function storageKey(name) {
  return keyOf(siteRoot, name);
}

function readRaw(key) {
  try {
    return { raw: localStorage.getItem(key), ok: true };
  } catch {
    return { raw: null, ok: false };
  }
}

export function why(error) {
  return error && error.name === "QuotaExceededError"
    ? "浏览器为本站保留的存储空间已满"
    : "浏览器不允许本站保存数据（可能处于无痕模式，或存储已被禁用）";
}

/** A short fingerprint of a text (FNV-1a): one set-aside copy per distinct content. */
function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${hash.toString(36)}-${text.length}`;
}

class Store {
  constructor(name) {
    this.name = name;
    this.firstRead = true;
    this.key = storageKey(name);
    this.quarantineKey = `${this.key}:${CONTRACT.quarantine}`;
    this.raw = undefined;
    this.value = null;
    this.seen = 0;       // the revision this tab last drew: sent with every action
    this.problem = "";   // what was found in storage and set aside
    this.info = "";      // what was completed (a store missing its lists)
    this.unsaved = "";   // why the last write failed
    this.blocked = false; // set-aside data could not be kept elsewhere: never write over it
    this.offered = [];   // the set-aside copies the notice offers (only these are deleted)
    this.listeners = new Set(); // notices
    this.followers = new Set(); // pages that redraw when the store changes (here or in another tab)
    this.written = [];   // [{rev, action}]: this tab's recent replayable writes, until a newer store includes them
    this.pending = new Set(); // this tab's changes on their way through the engine (see get)
  }

  kindName() {
    return CONTRACT.kindNames[CONTRACT.storeKinds[this.name]];
  }

  changed() {
    this.listeners.forEach((fn) => fn(this));
  }

  /** Redraw `fn(value, how)` whenever the store changes ("here" or "elsewhere"); returns a function to stop. */
  follow(fn) {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  /** Draw every follower from the stored value, unless a newer write is stored by the time it is read: that
   *  write's own notice (this tab's `notify("here")`, another tab's `storage` event) draws it instead, so a
   *  slow read of an older value never draws over a newer one. */
  async notify(how) {
    await Promise.allSettled([...this.pending]);
    const { raw, value } = await this.readText();
    if (this.storedText().raw !== raw) return;
    this.seen = value.rev || 0;
    this.followers.forEach((fn) => fn(value, how));
  }

  /** The stored text (the old key's when the new one is empty) and whether the browser let us read it. */
  storedText() {
    const found = readRaw(this.key);
    return found.raw === null ? { ...readRaw(CONTRACT.legacyKeys[this.name]), ok: found.ok } : found;
  }

  async read() {
    return (await this.readText()).value;
  }

  /** The stored value and the text it was read from. Reads that overlap share one check of the same text,
   *  and this tab's copy is replaced only if that text is still the stored one when the check ends: a read
   *  that starts while another tab's write is being checked gets that write, never the value before it, and
   *  a check that ends after this tab wrote cannot put an older value back as the current one. */
  async readText() {
    const { raw, ok } = this.storedText();
    if (!ok && !this.unsaved) {
      this.unsaved = why(null);
      this.changed();
    }
    if (this.firstRead) {
      this.firstRead = false;
      this.remindSetAside();
    }
    if (raw === this.raw && this.value) return { raw, value: this.value };
    if (this.checking?.raw !== raw) this.checking = { raw, value: raw === null ? emptyStore(this.name) : this.check(raw) };
    const value = await this.checking.value;
    if (this.checking?.raw === raw) this.checking = null;
    if (this.storedText().raw === raw) {
      this.raw = raw;
      this.value = value;
    }
    return { raw, value };
  }

  /** A stored text read into a complete store; damaged or newer-format text is set aside (an empty store). */
  async check(raw) {
    try {
      const value = JSON.parse(raw);
      await checkInPieces(CONTRACT.storeKinds[this.name], value, this.name);
      // The engine says which lists are missing (it is sent the value without the lists' contents).
      const lists = {};
      const head = {};
      for (const [key, item] of Object.entries(value)) {
        if (item && typeof item === "object") {
          lists[key] = item;
          head[key] = Array.isArray(item) ? [] : {};
        } else head[key] = item;
      }
      const done = await call("complete_store", this.name, head);
      if (done.messages.length) {
        this.info = done.messages.join("");
        this.changed();
      }
      this.askShape(done.store);
      return { ...done.store, ...lists };
    } catch (error) {
      this.setAside(raw, error instanceof SyntaxError ? `本机保存的${this.kindName()}已损坏（内容不完整）` : error.message);
      return emptyStore(this.name);
    }
  }

  /** The current store, checked and complete (damaged or newer-format data is set aside and an empty store is
   *  used), read once this tab's own changes sent before the call are written: a page drawn again (the theme
   *  redraws a page on some links) must not miss an answer given a moment before. */
  async get() {
    await Promise.allSettled([...this.pending]);
    const value = await this.read();
    this.seen = value.rev || 0;
    return value;
  }

  heldCopies() {
    try {
      return Object.keys(localStorage).filter((k) => k.startsWith(this.quarantineKey)).sort();
    } catch {
      return [];
    }
  }

  setAside(raw, problem) {
    const held = this.heldCopies();
    const key = `${this.quarantineKey}:${fingerprint(raw)}`;
    const kept = held.some((k) => readRaw(k).raw === raw);
    try {
      if (!kept && held.length >= MAX_SET_ASIDE) throw new Error(`已另存了 ${held.length} 份无法读取的内容，达到上限`);
      if (!kept) localStorage.setItem(key, raw);
      this.problem = `${problem}。原来的内容已原样另存，不会被覆盖；可以下载下来保存或交给技术人员查看。现在从空白开始记录。`;
    } catch (error) {
      this.blocked = true;
      const reason = error.name === "Error" ? error.message : why(error);
      this.problem = `${problem}。原来的内容仍在原处，为了不覆盖它，本页不会保存新的记录（${reason}）。请下载原内容后再决定是否删除。`;
    }
    this.offer();
    this.changed();
  }

  /** What the notice offers: the held copies, plus the damaged value itself when it could not be copied. */
  offer() {
    this.offered = this.heldCopies();
    if (this.blocked) this.offered.push(this.key);
  }

  /** The offered copies as one text to download. */
  offeredText() {
    return this.offered.map((k) => readRaw(k).raw).filter((raw) => raw !== null).join("\n\n");
  }

  /** Data set aside on an earlier visit stays until the reader deletes it: say so on every visit. */
  remindSetAside() {
    if (!this.heldCopies().length) return;
    this.offer();
    this.problem = `本机有 ${this.offered.length} 份之前无法读取的${this.kindName()}，已原样另存，没有被覆盖。可以下载下来保存，确认不再需要后再删除。`;
    this.changed();
  }

  /** Delete exactly the copies the notice offered for download (a copy made since then stays). */
  discardOffered() {
    try {
      this.offered.forEach((k) => localStorage.removeItem(k));
    } catch { /* nothing more can be done; the notice stays */ }
    this.blocked = false;
    this.raw = undefined;
    this.offered = [];
    this.problem = "";
    this.remindSetAside();
    this.changed();
  }

  write(value) {
    if (this.blocked) return false;
    const text = JSON.stringify(value);
    try {
      localStorage.setItem(this.key, text);
      this.raw = text;
      this.value = value;
      this.seen = value.rev || 0;
      return true;
    } catch (error) {
      if (!this.unsaved) {
        this.unsaved = why(error);
        this.changed();
      }
      return false;
    }
  }

  /**
   * Send `action` to the engine on the stored value and write what comes back. `ask(question)` decides a
   * conflict with another tab (default: confirm). Resolves with the engine's answer plus `saved`.
   */
  dispatch(action, options) {
    if (action.do === "export") return this.exportEnvelope();
    const done = this.change(action, options);
    this.pending.add(done);
    const settled = () => this.pending.delete(done);
    done.then(settled, settled);
    return done;
  }

  async change(action, { ask = (text) => window.confirm(text) } = {}) {
    const base = action.rev ?? this.seen; // a write sent again keeps the revision its page drew
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const { raw, value: latest } = await this.readText();
      const { sent, stubs } = slim(this.name, latest, action);
      const answer = await call("transition", this.name, sent, { ...action, rev: base });
      if (answer.conflict) {
        if (ask(answer.conflict)) return this.dispatch({ ...action, force: true }, { ask });
        this.notify("elsewhere");
        return { ...answer, saved: false };
      }
      if (!answer.write) return { ...answer, saved: true };
      for (const label of stubs) if (Object.hasOwn(answer.store.cases, label)) answer.store.cases[label] = latest.cases[label];
      // Another tab wrote while the engine was working: apply the action to that newer store instead.
      if (readRaw(this.key).raw !== raw && readRaw(this.key).raw !== null) continue;
      if (this.blocked) {
        this.value = answer.store; // this tab goes on with the change; nothing is written over the damaged data
        return { ...answer, saved: false };
      }
      const saved = this.write(answer.store);
      if (!saved) this.value = answer.store;
      if (saved && answer.replay) this.written = [...this.written, { rev: answer.store.rev, action: { ...action, rev: base } }].slice(-KEPT_WRITES);
      this.notify("here");
      return { ...answer, saved };
    }
    return { messages: ["另一个标签页正在不断改动同一份记录，这一步没有保存。请稍后再试。"], saved: false, write: false };
  }
}

// The engine is sent big data in pieces of about this many characters of JSON: MicroPython's JSON
// handling slows down more than linearly with the size of one message, pieces keep it linear, and
// scoring requests from the calculators are answered between two pieces.
const PIECE = 32 * 1024;
// Keys longer than this reach the engine as their beginning and end (still too long to be a label);
// long values with the characters the engine does not read collapsed (see TEXT_KEPT in the contract).
// What gets saved is always the reader's full text.
const LONG = 4000;
const KEPT = CONTRACT.textKept.replace(/[-\]\\^]/g, "\\$&");
const OTHER_RUNS = new RegExp(`[^${KEPT}]+`, "g");
const COLLECTIONS = { cases: { cases: {} }, "exam-progress": { notebook: {}, answers: {}, exams: [] } };

function shortText(text) {
  return text.length > LONG ? `${text.slice(0, LONG / 2)} … ${text.slice(-LONG / 2)}` : text;
}

export function shortened(value) {
  if (typeof value === "string") return value.length > CONTRACT.textCollapseOver ? value.replace(OTHER_RUNS, "·") : value;
  if (Array.isArray(value)) return value.map(shortened);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[shortText(key)] = shortened(item);
    return out;
  }
  return value;
}

function isPlain(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Have the engine check `value` (an import envelope when `store` is absent, else a stored value)
 * in pieces; rejects with the engine's Chinese message. Resolves with the case labels whose notes
 * look like ID or phone numbers.
 */
export async function checkInPieces(kind, value, store, progress = () => {}) {
  const data = store ? value : value?.data;
  const head = isPlain(data) ? { ...data } : data;
  const parts = [];
  if (isPlain(data)) {
    for (const [name, empty] of Object.entries(COLLECTIONS[kind])) {
      const entries = data[name];
      if (Array.isArray(empty) ? !Array.isArray(entries) : !isPlain(entries)) continue;
      head[name] = empty;
      let piece = Array.isArray(empty) ? [] : {};
      let size = 0;
      const flush = () => {
        parts.push({ [name]: piece });
        piece = Array.isArray(empty) ? [] : {};
        size = 0;
      };
      for (const [key, entry] of Object.entries(entries)) {
        const short = shortened(entry);
        size += JSON.stringify(short).length + key.length;
        if (Array.isArray(piece)) piece.push(short);
        else piece[shortText(key)] = short;
        if (size > PIECE) flush();
      }
      if (size) flush();
    }
  }
  if (store) await call("check_store", store, shortened(head));
  else await call("check_import", kind, shortened({ ...value, data: head }));
  const risky = [];
  for (const [index, part] of parts.entries()) {
    if (parts.length > 4) progress(`正在检查文件内容……${Math.round((100 * index) / parts.length)}%`);
    risky.push(...await call("check_part", kind, part, store ? "store" : "import"));
  }
  return risky;
}

/**
 * What the engine is sent for a case-store action: an action changes only the cases it names (`case`,
 * `to`), so every other case goes as an empty stand-in (a store can hold megabytes of notes, and
 * MicroPython's JSON handling is slow on them) and is put back, unchanged, into the store that comes back.
 */
function slim(name, value, action) {
  const stubs = [];
  if (name !== "cases" || action.do === "import_plan" || action.do === "import_apply") return { sent: value, stubs };
  const cases = {};
  for (const [label, entry] of Object.entries(value.cases)) {
    if (label === action.case || label === action.to) cases[label] = entry;
    else {
      cases[label] = { checklists: {} };
      stubs.push(label);
    }
  }
  return { sent: { ...value, cases }, stubs };
}

/** Two independent 32-bit fingerprints of an entry's JSON (64 bits: a false "identical" is not a real risk). */
function entryPrint(entry) {
  const text = JSON.stringify(entry);
  return `${fingerprint(text)}.${fingerprint(`\u0001${text}`)}`;
}

/**
 * Import a checked case file (checkInPieces has had the engine check every piece). The engine plans from
 * fingerprints of the saved and incoming cases (import_digest: a file of megabytes is one small message) and
 * names the cases that take the file's content; the reader is asked once about conflicts; `risky` are the
 * labels whose notes look like ID numbers (from the check).
 */
Store.prototype.importCases = async function importCases(file, risky, { ask = (text) => window.confirm(text) } = {}) {
  await Promise.allSettled([...this.pending]);
  const { raw, value: latest } = await this.readText();
  const incoming = file.data.cases || {};
  const prints = (cases) => Object.fromEntries(Object.entries(cases).map(([label, entry]) => [label, entryPrint(entry)]));
  const head = { ...latest, cases: {} };
  const plan = await call("transition", this.name, head, { do: "import_digest", saved: prints(latest.cases), incoming: prints(incoming), risky });
  const replace = Boolean(plan.question) && ask(plan.question);
  const which = replace ? "replace" : "keep";
  const cases = { ...latest.cases };
  for (const label of plan.take[which]) cases[label] = incoming[label];
  if (this.storedText().raw !== raw) return { messages: ["另一个标签页刚改动了个案进度，这次导入没有保存。请再导入一次。"], saved: false };
  const saved = this.write({ ...latest, cases, rev: (latest.rev || 0) + 1 });
  this.notify("here");
  return { messages: [plan.said[which]], saved };
};

/** The engine's export envelope for a store without its lists' contents, asked once (again after a failure). */
Store.prototype.askShape = function askShape(head) {
  this.shape ||= call("transition", this.name, head, { do: "export" }).catch((error) => {
    this.shape = null;
    throw error;
  });
  return this.shape;
};

/**
 * Another tab wrote `text`. A write of that tab carries a revision above every write of ours it had seen, so
 * our writes at or above its revision were replaced unseen: they are sent again (each names its item and what
 * the page showed before, so the engine merges it onto the newer store, or asks when the other tab changed
 * the same item). Writes below it are part of the newer store and are forgotten.
 */
Store.prototype.recover = async function recover(text) {
  let rev = null;
  try {
    rev = text === null ? null : JSON.parse(text).rev;
  } catch { /* unreadable: read() sets it aside; nothing is sent onto it */ }
  const lost = Number.isInteger(rev) ? this.written.filter((w) => w.rev >= rev) : [];
  this.written = [];
  for (const { action } of lost) await this.dispatch(action);
};

/**
 * The export envelope: the engine decides its shape from the store without its lists' contents (a store
 * can hold megabytes of notes, and MicroPython's JSON handling is slow on them); the lists it names in
 * `data` are then filled with the stored content.
 */
Store.prototype.exportEnvelope = async function exportEnvelope() {
  const value = await this.get();
  const head = {};
  for (const [key, item] of Object.entries(value)) head[key] = item && typeof item === "object" ? (Array.isArray(item) ? [] : {}) : item;
  // The envelope's shape depends on the store's kind only: asked once, early (see read), so an export never
  // waits behind other engine calls.
  const answer = structuredClone(await this.askShape(head));
  for (const key of Object.keys(answer.envelope.data)) answer.envelope.data[key] = value[key];
  return { ...answer, saved: true };
};

/** The stored text of a store read whole by its page (case practice), or null; throws when the browser
 * does not let the site read its storage. */
export function readWhole(name) {
  return localStorage.getItem(storageKey(name));
}

/** Write a whole store whose changes another engine module decides (case practice: each change is a
 * case_practice_step the page has just run): "" when saved, else why not (the tool keeps working). */
export function writeWhole(name, value) {
  try {
    localStorage.setItem(storageKey(name), JSON.stringify(value));
    return "";
  } catch (error) {
    return `${why(error)}，这次没有保存`;
  }
}

/** The one Store object per store name in this tab (shared by every page instant navigation shows). */
export function openStore(name) {
  if (!stores.has(name)) stores.set(name, new Store(name));
  return stores.get(name);
}

// Another tab wrote: every follower of that store redraws from the new value.
window.addEventListener("storage", (event) => {
  for (const store of stores.values()) {
    if (event.key === store.key || event.key === null) {
      store.raw = undefined;
      const replaced = event.key === store.key ? store.recover(event.newValue) : Promise.resolve();
      replaced.catch(() => null).then(() => store.notify("elsewhere"));
    }
  }
});

// ---- drafts: what a form holds before it is saved (this tab only, gone with the tab) ----------------
function draftKey(id) {
  return draftKeyOf(siteRoot, id);
}

/** The draft kept under `id`, or null. */
export function readDraft(id) {
  try {
    const raw = sessionStorage.getItem(draftKey(id));
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

/** Keep a form's unsaved state (survives Back/Forward, links out and reload in this tab). */
export function writeDraft(id, value) {
  try {
    sessionStorage.setItem(draftKey(id), JSON.stringify(value));
  } catch { /* a draft is a convenience: the form itself still works */ }
}

/** Forget a draft (after 清空 or 保存). */
export function clearDraft(id) {
  try {
    sessionStorage.removeItem(draftKey(id));
  } catch { /* nothing kept */ }
}
