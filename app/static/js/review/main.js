// The review page: move through units and decide them from the keyboard.
// Decisions go through the JSON API (/api/v1, docs/api.md "Review and gold"); after each one
// the page's review part is fetched again from the server, so what it shows is always what
// is stored (and undo works the same after a reload).

import { apiRequest } from "../annotate/api.js";

const root = () => document.getElementById("review-root");
const documentId = () => root().dataset.documentId;
let current = 0; // index into the unit list, 0-based
let codePoints = null; // the article as an array of code points (offsets count these)

function units() {
  return [...document.querySelectorAll("#unit-list > li.unit")];
}

function say(message, isError = false) {
  const line = document.getElementById("status-line");
  line.textContent = message;
  line.classList.toggle("error", isError);
}

function articleCodePoints() {
  if (!codePoints) {
    const text = [...document.querySelectorAll("#review-text .piece")]
      .map((piece) => piece.textContent).join("");
    codePoints = Array.from(text);
  }
  return codePoints;
}

function select(index, { scroll = true } = {}) {
  const list = units();
  if (!list.length) return;
  current = Math.max(0, Math.min(index, list.length - 1));
  list.forEach((item, i) => item.classList.toggle("current", i === current));
  const unit = list[current];
  document.querySelectorAll("#review-text .piece.current")
    .forEach((piece) => piece.classList.remove("current"));
  document.querySelectorAll(`#review-text .piece[data-units~="${unit.dataset.index}"]`)
    .forEach((piece) => piece.classList.add("current"));
  if (scroll) {
    scrollWithin(document.querySelector(".review-units"), unit);
    const piece = document.querySelector("#review-text .piece.current");
    if (piece) scrollWithin(field("review-text"), piece);
  }
  unit.focus({ preventScroll: true });
  // Remember the unit in the URL (a reload comes back to it). Not "#unit-N": a fragment that
  // names an element makes the browser scroll the page to it and focus it.
  history.replaceState(null, "", `#at-${unit.dataset.index}`);
}

// Bring `element` into view inside its scrolling `container` only: the page itself stays put,
// so the header and its buttons do not scroll away.
function scrollWithin(container, element) {
  if (!container) return;
  const outer = container.getBoundingClientRect();
  const inner = element.getBoundingClientRect();
  if (inner.top < outer.top) container.scrollTop -= outer.top - inner.top + 8;
  else if (inner.bottom > outer.bottom) {
    container.scrollTop += Math.min(inner.bottom - outer.bottom + 8, inner.top - outer.top - 8);
  }
}

function currentUnit() {
  return units()[current] || null;
}

function sourceIds(unit) {
  return unit.dataset.spanIds.split(" ").filter(Boolean).map(Number);
}

async function decide(body, done) {
  try {
    await apiRequest("POST", `/api/v1/documents/${documentId()}/gold`, body);
    await refresh();
    say(done);
    nextUndecided();
  } catch (error) {
    say(error.message, true);
    if (error.status === 409) await refresh();
  }
}

function versionBody(row, unit, extra = {}) {
  const start = Number(row.dataset.start);
  const end = Number(row.dataset.end);
  return {
    start,
    end,
    text: articleCodePoints().slice(start, end).join(""),
    claimant_id: Number(row.dataset.claimantId),
    evidence_type: row.dataset.evidence,
    source_span_ids: sourceIds(unit),
    ...extra,
  };
}

function acceptVersion(number) {
  const unit = currentUnit();
  if (!unit || decidedAlready(unit)) return;
  const row = unit.querySelector(`li.version[data-number="${number}"]`);
  if (!row) {
    say(`annotator ${number} has no version in unit ${unit.dataset.index}`, true);
    return;
  }
  decide(versionBody(row, unit), `Unit ${unit.dataset.index}: version ${number} accepted.`);
}

function acceptMajority() {
  const unit = currentUnit();
  if (!unit || decidedAlready(unit)) return;
  const spanId = unit.dataset.majority;
  const row = spanId && unit.querySelector(`li.version[data-span-id="${spanId}"]`);
  if (!row) {
    say(`unit ${unit.dataset.index} has no majority version: choose one (1-9) or edit (e)`, true);
    return;
  }
  decide(versionBody(row, unit), `Unit ${unit.dataset.index}: majority accepted.`);
}

function reject() {
  const unit = currentUnit();
  if (!unit || decidedAlready(unit)) return;
  decide({ rejected: true, source_span_ids: sourceIds(unit) },
    `Unit ${unit.dataset.index}: rejected, not a claim.`);
}

function decidedAlready(unit) {
  if (unit.classList.contains("st-decided")) {
    say(`unit ${unit.dataset.index} is decided: e changes the decision, u undoes your last one`,
      true);
    return true;
  }
  return false;
}

async function undo() {
  try {
    const result = await apiRequest("POST", `/api/v1/documents/${documentId()}/gold/undo`);
    await refresh();
    say(`Undone (${result.undone} change${result.undone === 1 ? "" : "s"}).`);
  } catch (error) {
    say(error.message, true);
  }
}

function nextUndecided() {
  const list = units();
  for (let step = 1; step <= list.length; step += 1) {
    const index = (current + step) % list.length;
    if (!list[index].classList.contains("st-decided")) {
      select(index);
      return;
    }
  }
  select(current);
}

// --- the edit / add dialog -------------------------------------------------------------------

const dialogState = { mode: "edit", unit: null };

function field(id) {
  return document.getElementById(id);
}

function updateQuote() {
  const start = Number(field("d-start").value);
  const end = Number(field("d-end").value);
  const text = articleCodePoints().slice(start, end).join("");
  field("d-quote").textContent = start < end ? text : "";
}

function openDialog(mode) {
  const unit = currentUnit();
  dialogState.mode = mode;
  dialogState.unit = mode === "edit" ? unit : null;
  dialogState.gold = null;
  const decision = mode === "edit" && unit ? unit.querySelector(".decision") : null;
  if (decision) {
    // A decided unit: change its decision (the version read goes along: 409 if stale).
    dialogState.gold = { id: decision.dataset.goldId, version: Number(decision.dataset.version) };
    field("d-start").value = decision.dataset.start;
    field("d-end").value = decision.dataset.end;
    field("d-evidence").value = decision.dataset.evidence;
    field("d-claimant").value = decision.dataset.claimantName;
    field("decision-title").textContent = decision.dataset.rejected
      ? `Unit ${unit.dataset.index} was rejected: accept it as a claim instead`
      : `Change the decision on unit ${unit.dataset.index}`;
    field("d-claimant-type").value = "";
    field("d-reason").value = decision.dataset.reason;
    field("d-note").value = decision.dataset.note;
    field("d-error").hidden = true;
    updateQuote();
    field("decision-dialog").showModal();
    field("d-evidence").focus();
    return;
  }
  if (mode === "edit") {
    if (!unit) return;
    const spanId = unit.dataset.majority;
    const row = (spanId && unit.querySelector(`li.version[data-span-id="${spanId}"]`))
      || unit.querySelector("li.version");
    field("d-start").value = row.dataset.start;
    field("d-end").value = row.dataset.end;
    field("d-evidence").value = row.dataset.evidence;
    field("d-claimant").value = row.querySelector(".claimant-name").textContent;
    field("decision-title").textContent = `Edit and accept unit ${unit.dataset.index}`;
  } else {
    const range = selectionOffsets();
    field("d-start").value = range ? range.start : "";
    field("d-end").value = range ? range.end : "";
    field("d-claimant").value = "";
    field("decision-title").textContent = "Add a gold span nobody marked";
  }
  field("d-claimant-type").value = "";
  field("d-reason").value = "";
  field("d-note").value = "";
  field("d-error").hidden = true;
  updateQuote();
  field("decision-dialog").showModal();
  field(mode === "edit" ? "d-evidence" : "d-start").focus();
}

function selectionOffsets() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const start = pointOffset(range.startContainer, range.startOffset);
  const end = pointOffset(range.endContainer, range.endOffset);
  if (start === null || end === null || start >= end) return null;
  return { start, end };
}

// A DOM point inside the article as a code point offset into the text.
function pointOffset(node, offset) {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const piece = element && element.closest("#review-text .piece");
  if (!piece) return null;
  if (node.nodeType !== Node.TEXT_NODE) offset = offset ? piece.textContent.length : 0;
  return Number(piece.dataset.start) + Array.from(piece.textContent.slice(0, offset)).length;
}

async function saveDialog(event) {
  event.preventDefault();
  const name = field("d-claimant").value.trim();
  const type = field("d-claimant-type").value;
  const start = Number(field("d-start").value);
  const end = Number(field("d-end").value);
  const body = {
    start,
    end,
    text: articleCodePoints().slice(start, end).join(""),
    evidence_type: field("d-evidence").value,
    claimant: type ? { name, type } : { name },
    note: field("d-note").value,
  };
  if (field("d-reason").value) body.reason = field("d-reason").value;
  const gold = dialogState.gold;
  try {
    if (gold) {
      await apiRequest("PATCH", `/api/v1/gold/${gold.id}`,
        { ...body, reason: body.reason || null, rejected: false, version: gold.version });
    } else {
      if (dialogState.mode === "edit") body.source_span_ids = sourceIds(dialogState.unit);
      await apiRequest("POST", `/api/v1/documents/${documentId()}/gold`, body);
    }
  } catch (error) {
    field("d-error").textContent = error.field ? `${error.message} (${error.field})` : error.message;
    field("d-error").hidden = false;
    return;
  }
  field("decision-dialog").close();
  await refresh();
  if (gold) {
    say("Decision changed.");
    select(current);
    return;
  }
  say(dialogState.mode === "edit" ? "Edited version accepted." : "Gold span added.");
  if (dialogState.mode === "edit") nextUndecided();
  else select(current);
}

// --- merge, status, return ---------------------------------------------------------------------

function mergeBody(dryRun) {
  const strategy = document.querySelector('#merge-form input[name="strategy"]:checked').value;
  return { strategy, threshold: Number(field("merge-threshold").value), dry_run: dryRun };
}

async function previewMerge() {
  try {
    const result = await apiRequest("POST", `/api/v1/documents/${documentId()}/gold/merge`,
      mergeBody(true));
    const count = result.units.length;
    field("merge-preview").textContent = count
      ? `${count} undecided unit${count === 1 ? "" : "s"} would go to gold: `
        + result.units.map((unit) => `${unit.unit} (${unit.provenance})`).join(", ")
      : "No undecided unit qualifies.";
    field("merge-confirm").disabled = count === 0;
  } catch (error) {
    field("merge-preview").textContent = error.message;
  }
}

async function confirmMerge() {
  try {
    const result = await apiRequest("POST", `/api/v1/documents/${documentId()}/gold/merge`,
      mergeBody(false));
    field("merge-dialog").close();
    await refresh();
    say(`Merged ${result.units.length} unit(s). Press u to undo the whole merge.`);
  } catch (error) {
    field("merge-preview").textContent = error.message;
  }
}

async function setStatus(status) {
  try {
    await apiRequest("POST", `/api/v1/documents/${documentId()}/review/status`, { status });
    await refresh();
    say(status === "adjudicated" ? "Marked adjudicated." : "Review reopened.");
  } catch (error) {
    say(error.message, true);
  }
}

async function returnWork(event) {
  event.preventDefault();
  const body = { annotator: field("return-annotator").value, note: field("return-note").value };
  try {
    await apiRequest("POST", `/api/v1/documents/${documentId()}/return`, body);
    await refresh();
    say(`Sent back to ${body.annotator} with your note.`);
  } catch (error) {
    say(error.message, true);
  }
}

// --- page ---------------------------------------------------------------------------------------

async function refresh() {
  const response = await fetch(window.location.pathname, { credentials: "same-origin" });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("review-root");
  if (fresh) root().replaceWith(fresh);
  codePoints = null;
  bindRoot();
  select(current, { scroll: false });
}

function bindRoot() {
  field("help-button").addEventListener("click", () => field("help-dialog").showModal());
  const merge = field("merge-button");
  if (merge) merge.addEventListener("click", () => field("merge-dialog").showModal());
  const done = field("done-button");
  if (done) done.addEventListener("click", () => setStatus("adjudicated"));
  const reopen = field("reopen-button");
  if (reopen) reopen.addEventListener("click", () => setStatus("in_review"));
  const back = field("return-form");
  if (back) back.addEventListener("submit", returnWork);
  field("unit-list").addEventListener("click", (event) => {
    const unit = event.target.closest("li.unit");
    if (unit) select(units().indexOf(unit), { scroll: false });
  });
  field("review-text").addEventListener("click", (event) => {
    const piece = event.target.closest(".piece[data-units]");
    if (!piece || !window.getSelection().isCollapsed) return;
    const index = piece.dataset.units.split(" ")[0];
    const unit = document.getElementById(`unit-${index}`);
    if (unit) select(units().indexOf(unit));
  });
}

function onKeydown(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector("dialog[open]")) return;
  if (event.target.closest("input, textarea, select, button, summary")) return;
  const readOnly = root().dataset.status === "adjudicated";
  const actions = {
    j: () => select(current + 1),
    k: () => select(current - 1),
    "?": () => field("help-dialog").showModal(),
  };
  if (!readOnly) {
    Object.assign(actions, {
      a: acceptMajority, e: () => openDialog("edit"), x: reject,
      n: () => openDialog("add"), u: undo,
    });
  }
  if (!readOnly && /^[1-9]$/.test(event.key)) {
    event.preventDefault();
    acceptVersion(Number(event.key));
    return;
  }
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

function start() {
  bindRoot();
  document.addEventListener("keydown", onKeydown);
  field("decision-form").addEventListener("submit", saveDialog);
  field("d-cancel").addEventListener("click", () => field("decision-dialog").close());
  field("d-start").addEventListener("input", updateQuote);
  field("d-end").addEventListener("input", updateQuote);
  field("merge-preview-button").addEventListener("click", previewMerge);
  field("merge-confirm").addEventListener("click", confirmMerge);
  field("merge-cancel").addEventListener("click", () => field("merge-dialog").close());
  const hash = window.location.hash.match(/^#(?:at|unit)-(\d+)$/);
  const list = units();
  const fromHash = hash ? list.findIndex((unit) => unit.dataset.index === hash[1]) : -1;
  const firstOpen = list.findIndex((unit) => !unit.classList.contains("st-decided"));
  select(fromHash >= 0 ? fromHash : Math.max(firstOpen, 0));
}

start();
