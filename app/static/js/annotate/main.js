// The annotation page: reads its configuration from the JSON block the server rendered,
// then wires the text, the panel, the side list, the keyboard and the submit dialog.

import { OffsetTable } from "../offsets.js";
import { SpanChooser } from "./chooser.js";
import { ClaimantField } from "./claimants.js";
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
  const status = new StatusLine(byId("status-line"));
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
  workspace.load();
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
    await workspace.submit();
    byId("submit-confirm").disabled = false;
    dialog.close();
  });
}

function showReadOnly() {
  document.body.classList.add("read-only");
  const banner = byId("readonly-banner");
  banner.textContent = "You have submitted this document: it is read-only now. "
    + "A project manager can reopen it if something needs changing.";
  banner.hidden = false;
  byId("text-help").textContent = "Read-only.";
  const submitButton = byId("submit-button");
  if (submitButton) submitButton.remove();
  const badge = byId("assignment-status");
  if (badge) {
    badge.textContent = "submitted";
    badge.className = "badge status-submitted";
  }
}

start();
