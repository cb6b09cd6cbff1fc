// The annotation page: reads its configuration from the JSON block the server rendered,
// then wires the text, the panel, the side list, the keyboard and the submit dialog.

import { OffsetTable } from "../offsets.js";
import { SESSION_EXPIRED } from "./api.js";
import { SpanChooser } from "./chooser.js";
import { ClaimantField } from "./claimants.js";
import { wireFind } from "./find.js";
import { wireKeyboard } from "./keyboard.js";
import { SpanPanel } from "./panel.js";
import { SpanList } from "./spanlist.js";
import { StatusLine } from "./status.js";
import { TextModel } from "./textmodel.js";
import { Workspace } from "./workspace.js";

const byId = (id) => document.getElementById(id);

function start() {
  const config = JSON.parse(byId("annotate-config").textContent);
  const textElement = byId("doc-text");
  // The server sends the text once, as the page's #doc-text (escaped so that its textContent
  // is exactly the stored text); the JSON carries it only when HTML could not (a NUL in it).
  if (typeof config.text !== "string") config.text = textElement.textContent;
  const status = new StatusLine(byId("status-line"), byId("span-panel"));
  const hotkeys = new Map(config.scheme.evidence_types
    .filter((type) => type.hotkey)
    .map((type) => [type.hotkey, type.key]));
  const workspace = new Workspace({
    config,
    table: new OffsetTable(config.text),
    model: new TextModel(config.text),
    textElement,
    status,
  });

  const claimants = new ClaimantField({
    input: byId("claimant-input"),
    list: byId("claimant-options"),
    newBox: byId("new-claimant"),
    typeSelect: byId("claimant-type"),
    url: config.urls.claimants,
    typeNames: Object.fromEntries(config.scheme.claimant_types.map((t) => [t.key, t.name])),
  });
  workspace.panel = new SpanPanel({
    root: byId("span-panel"),
    claimants,
    hotkeys,
    actions: {
      save: (draft) => workspace.save(draft),
      remove: (span) => workspace.remove(span),
      cancel: () => workspace.cancel(),
      reload: (current) => workspace.reload(current),
      moveBoundary: (edge, direction, unit) => workspace.moveBoundary(edge, direction, unit),
      place: (range) => workspace.place(range),
    },
  });
  workspace.list = new SpanList({
    list: byId("span-list"),
    count: byId("span-count"),
    claimantFilter: byId("filter-claimant"),
    typeFilter: byId("filter-evidence"),
    empty: byId("span-list-empty"),
    onActivate: (id, options) => workspace.open(id, options),
  });
  workspace.chooser = new SpanChooser(byId("span-chooser"), (id) => workspace.open(id));
  workspace.onReadOnly = () => showReadOnly();

  wireKeyboard({
    workspace,
    textElement,
    caret: byId("text-caret"),
    listElement: byId("span-list"),
    help: byId("help-dialog"),
    hotkeys,
  });
  wireDialogs(workspace);
  wireFind({ form: byId("find-box"), input: byId("find-input"), count: byId("find-count"),
    textElement, text: config.text });
  wireSessionBanner(byId("session-banner"));
  guardUnsavedInput(workspace.panel);
  workspace.load();
}

// Leaving the page with unsaved input in the panel asks first: links on the page with an
// in-app prompt, everything else (reload, closing the tab, typing an address) with the
// browser's own beforeunload prompt.
const UNSAVED_PROMPT = "The span panel holds input that is not saved. Leave the page and lose it?";

function guardUnsavedInput(panel) {
  let confirmedLeaving = false;
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.target || link.getAttribute("href").startsWith("#")) return;
    if (!panel.hasUnsavedInput()) return;
    if (window.confirm(UNSAVED_PROMPT)) confirmedLeaving = true;
    else event.preventDefault();
  });
  window.addEventListener("beforeunload", (event) => {
    if (confirmedLeaving || !panel.hasUnsavedInput()) return;
    event.preventDefault();
    event.returnValue = ""; // older Chromium needs it set to show the prompt
  });
}

// A lost session is said in one place that does not fade, whichever call found it out.
function wireSessionBanner(banner) {
  window.addEventListener("credence:session", (event) => {
    banner.textContent = event.detail.expired ? SESSION_EXPIRED : "";
    banner.hidden = !event.detail.expired;
  });
}

function wireDialogs(workspace) {
  const help = byId("help-dialog");
  byId("help-button").addEventListener("click", () => help.showModal());
  byId("help-close").addEventListener("click", () => help.close());

  const submitButton = byId("submit-button");
  const dialog = byId("submit-dialog");
  if (!submitButton) return;
  submitButton.addEventListener("click", () => {
    byId("submit-count").textContent = String(workspace.spans.length);
    dialog.showModal();
  });
  byId("submit-cancel").addEventListener("click", () => dialog.close());
  byId("submit-confirm").addEventListener("click", async () => {
    byId("submit-confirm").disabled = true;
    const submitted = await workspace.submit();
    byId("submit-confirm").disabled = false;
    dialog.close();
    // The submit button is gone: keyboard users carry on from what replaced it.
    const nextStep = byId("next-step");
    if (submitted && nextStep) nextStep.focus();
  });
}

// After a submit: the page as the server renders a submitted document, without a reload.
function showReadOnly() {
  document.body.classList.add("read-only");
  const banner = byId("readonly-banner");
  banner.textContent = banner.dataset.submittedNote;
  banner.hidden = false;
  byId("text-help").textContent = "Read-only.";
  const submitButton = byId("submit-button");
  if (submitButton) submitButton.remove();
  const nextStep = byId("next-step"); // Next unfinished, or back to My work
  if (nextStep) nextStep.hidden = false;
  const badge = byId("assignment-status");
  if (badge) {
    badge.textContent = "submitted";
    badge.className = "badge status-submitted";
  }
}

start();
