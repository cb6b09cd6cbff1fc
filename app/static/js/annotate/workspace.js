// The page's state and what the user can do with it: load, select, create, change, move,
// delete and undo spans, submit. Offsets are UTF-16 units on the page and code points on the
// wire; every conversion goes through the OffsetTable.

import { apiRequest } from "./api.js";
import { describeError } from "./panel.js";
import { positionOf, readSelection, rectOf } from "./render.js";
import { TextView } from "./textview.js";

const QUOTE_LIMIT = 60;

function short(text) {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}

export class Workspace {
  constructor({ config, table, model, textElement, status }) {
    this.config = config;
    this.urls = config.urls;
    this.text = config.text;
    this.table = table;
    this.model = model;
    this.textElement = textElement;
    this.status = status;
    this.evidence = new Map(config.scheme.evidence_types.map((type) => [type.key, type]));
    this.spans = [];
    this.view = new TextView(textElement, config.text);
    // What the text shows now, and the ranges a change must redraw (see redraw()).
    this.shown = null;
    this.changed = [];
    this.changedIds = new Set();
    this.spansChanged = true;
    this.listDrawn = false;
    this.selectedId = null;
    // My changes on this page, newest last, for Ctrl+Z: {kind: create|edit|delete, ...}.
    this.history = [];
    this.draft = null; // {start, end} being created or edited, UTF-16
    this.readOnly = config.readOnly;
    this.panel = null; // set by main.js
    this.list = null;
    this.chooser = null;
    this.onReadOnly = () => {};
  }

  // A span from the API, with its UTF-16 offsets and evidence type name for the page.
  decorate(span) {
    const type = this.evidence.get(span.evidence_type);
    return {
      ...span,
      u16Start: this.table.toUtf16(span.start),
      u16End: this.table.toUtf16(span.end),
      evidenceName: type ? type.name : span.evidence_type,
    };
  }

  async load() {
    if (!this.urls.spans) {
      this.redraw();
      return;
    }
    try {
      const spans = await apiRequest("GET", this.urls.spans);
      this.spans = spans.map((span) => this.decorate(span));
      this.sortSpans();
      this.shown = null; // every span is new: draw it all
      this.spansChanged = true;
      this.listDrawn = false;
      this.redraw();
      this.textElement.dataset.loaded = "true";
    } catch (error) {
      this.status.show(`Could not load your spans: ${error.message}`, "error");
    }
  }

  sortSpans() {
    this.spans.sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
  }

  span(id) {
    return this.spans.find((span) => span.id === id) || null;
  }

  upsert(span) {
    const decorated = this.decorate(span);
    const old = this.span(span.id);
    if (old) this.forget(old);
    this.changed.push({ start: decorated.u16Start, end: decorated.u16End });
    this.changedIds.add(decorated.id);
    this.spansChanged = true;
    this.spans.push(decorated);
    this.sortSpans();
    return decorated;
  }

  // Take a span out of the page's list; its place in the text is redrawn.
  forget(span) {
    this.changed.push({ start: span.u16Start, end: span.u16End });
    this.changedIds.add(span.id);
    this.spansChanged = true;
    this.spans = this.spans.filter((existing) => existing.id !== span.id);
  }

  // Bring the page up to date, touching only what changed since the last redraw: the blocks
  // of the text under changed spans, the old and new selection and the old and new draft;
  // the side list is rebuilt only when spans changed (else only its selected item moves).
  redraw() {
    const selected = this.span(this.selectedId);
    const now = {
      selectedId: this.selectedId,
      selection: selected ? { start: selected.u16Start, end: selected.u16End } : null,
      draft: this.draft ? { ...this.draft } : null,
    };
    const state = { selectedId: now.selectedId, draft: now.draft };
    if (this.shown === null) {
      this.view.renderAll(this.spans, state);
    } else {
      const ranges = this.changed;
      for (const key of ["selection", "draft"]) {
        const before = this.shown[key];
        const after = now[key];
        if (before && (!after || before.start !== after.start || before.end !== after.end
            || this.shown.selectedId !== now.selectedId)) ranges.push(before);
        if (after && (!before || before.start !== after.start || before.end !== after.end
            || this.shown.selectedId !== now.selectedId)) ranges.push(after);
      }
      if (ranges.length) this.view.update(this.spans, state, ranges);
    }
    this.shown = now;
    this.changed = [];
    const changedIds = this.changedIds;
    this.changedIds = new Set();
    if (!this.list) return;
    if (this.spansChanged && !this.listDrawn) this.list.render(this.spans, this.selectedId);
    else if (this.spansChanged) this.list.update(this.spans, changedIds, this.selectedId);
    else this.list.markSelected(this.selectedId);
    this.listDrawn = true;
    this.spansChanged = false;
  }

  // --- selecting ---------------------------------------------------------------------------

  select(id, { scroll = true } = {}) {
    this.selectedId = id;
    this.redraw();
    if (!scroll || id === null) return;
    const segment = this.textElement.querySelector(".seg.selected");
    if (segment) segment.scrollIntoView({ block: "nearest", behavior: "auto" });
  }

  // Open a span for editing (or only select it when the page is read-only).
  open(id, { fromList = false } = {}) {
    const span = this.span(id);
    if (!span) return;
    this.select(id);
    if (fromList) this.list.focus(id);
    if (this.readOnly) return;
    this.draft = { start: span.u16Start, end: span.u16End };
    this.panel.openEdit(span, this.draft, span.text);
  }

  step(direction) {
    const visible = this.list.visible();
    if (!visible.length) return;
    const index = visible.findIndex((span) => span.id === this.selectedId);
    const next = index < 0 ? (direction > 0 ? 0 : visible.length - 1)
      : Math.min(Math.max(index + direction, 0), visible.length - 1);
    this.select(visible[next].id);
    this.list.focus(visible[next].id);
  }

  // A click on the text: the spans under it, one to open or several to choose from.
  clickAt(segment, x, y) {
    const ids = segment.dataset.spans.split(" ").map(Number);
    const spans = ids.map((id) => this.span(id)).filter(Boolean);
    if (spans.length === 1) this.open(spans[0].id);
    else if (spans.length > 1) this.chooser.open(spans, x, y);
  }

  // --- creating and editing ----------------------------------------------------------------

  // Open the panel for the current text selection; false when nothing usable is selected.
  createFromSelection(evidenceType = null) {
    if (this.readOnly) return false;
    const selection = readSelection(this.textElement);
    if (!selection || selection.start === selection.end) return false;
    const range = this.model.snap(selection.start, selection.end, this.config.snapToWords);
    if (!range) {
      this.status.show("Only white space is selected: select some words first.", "info");
      return false;
    }
    window.getSelection().removeAllRanges();
    this.draft = range;
    this.selectedId = null;
    this.panel.openCreate(range, this.text.slice(range.start, range.end), evidenceType);
    return true;
  }

  // Show the draft in the text and put the panel under it (the panel calls this).
  place(range) {
    this.draft = { ...range };
    this.redraw();
    const panel = this.panel.root;
    const pane = panel.parentElement.getBoundingClientRect();
    const rect = rectOf(this.textElement, range.start, range.end);
    const width = panel.offsetWidth;
    const left = Math.min(Math.max(rect.left - pane.left, 0), Math.max(pane.width - width, 0));
    panel.style.left = `${left}px`;
    // Under the selection, unless it only fits above it.
    const height = panel.offsetHeight;
    const roomBelow = window.innerHeight - rect.bottom;
    const above = roomBelow < height + 20 && rect.top > height + 20;
    panel.style.top = above ? `${rect.top - pane.top - height - 10}px`
      : `${rect.bottom - pane.top + 10}px`;
    if (getComputedStyle(panel).position === "fixed") {
      // Narrow window: the panel is a sheet at the bottom; keep the text above it in view.
      window.scrollBy(0, rect.top - 70);
    } else {
      panel.scrollIntoView({ block: "nearest" });
    }
    this.status.dodge(); // a message still shown must not cover the panel's buttons
  }

  moveBoundary(edge, direction, unit) {
    if (!this.draft) return;
    const moved = this.model.moveBoundary(this.draft, edge, direction, unit);
    this.panel.setRange(moved, this.text.slice(moved.start, moved.end));
  }

  cancel() {
    this.closePanel();
    this.status.show("Cancelled: nothing changed.", "info");
  }

  closePanel() {
    const end = this.draft ? this.draft.end : null;
    this.panel.close();
    this.draft = null;
    this.redraw();
    if (end !== null) {
      // Keyboard users carry on from the end of the span they were working on.
      const caret = positionOf(this.textElement, end, false);
      window.getSelection().collapse(caret.node, caret.offset);
    }
    this.textElement.focus({ preventScroll: true });
  }

  async save({ span, range, claimant, evidenceType, note }) {
    const start = this.table.toCodePoint(range.start);
    const end = this.table.toCodePoint(range.end);
    const quote = this.text.slice(range.start, range.end);
    this.panel.setBusy(true);
    this.status.show("Saving…", "info");
    try {
      let saved;
      if (span === null) {
        saved = await apiRequest("POST", this.urls.createSpan,
          { start, end, text: quote, ...claimant, evidence_type: evidenceType, note });
        this.markInProgress();
      } else {
        const body = { version: span.version, ...claimant, evidence_type: evidenceType, note };
        if (start !== span.start || end !== span.end) {
          Object.assign(body, { start, end, text: quote });
        }
        saved = await apiRequest("PATCH", this.urls.span + span.id, body);
      }
      const shown = this.upsert(saved);
      this.history.push(span === null ? { kind: "create", id: shown.id }
        : { kind: "edit", id: shown.id, before: span });
      this.selectedId = shown.id;
      this.closePanel();
      const verb = span === null ? "Saved" : "Saved changes to";
      this.status.show(`${verb} “${short(shown.text)}”: ${shown.claimant.name}, `
        + `${shown.evidenceName}.`, "ok");
    } catch (error) {
      this.panel.showError(error);
      this.status.show(describeError(error), "error");
    }
  }

  // After a version conflict: take the span as the server has it now.
  reload(current) {
    const span = this.upsert(current);
    this.selectedId = span.id;
    this.draft = { start: span.u16Start, end: span.u16End };
    this.panel.refill(span, this.draft, span.text);
    this.status.show("Reloaded the span as it is now saved; make your change again.", "info");
  }

  async remove(span) {
    this.panel.setBusy(true);
    try {
      await apiRequest("DELETE", this.urls.span + span.id);
    } catch (error) {
      this.panel.showError(error);
      this.status.show(describeError(error), "error");
      return;
    }
    this.forget(span);
    this.history.push({ kind: "delete", span });
    this.selectedId = null;
    this.closePanel();
    this.status.show(`Deleted “${short(span.text)}”.`, "ok",
      { label: "Undo", run: () => this.undoDelete(span) });
  }

  // Delete the span chosen in the list or the text (Delete/Backspace), with Undo offered.
  removeSelected() {
    const span = this.span(this.selectedId);
    if (this.readOnly || !span) {
      this.status.show(this.readOnly ? "This document is read-only."
        : "Choose a span first (J/K or a click), then press Delete.", "info");
      return;
    }
    this.remove(span);
  }

  // Ctrl+Z: undo my last change on this page: delete what I created, put back what I
  // changed, restore what I deleted.
  async undoLast() {
    if (this.readOnly) return;
    const change = this.history.pop();
    if (!change) {
      this.status.show("Nothing to undo.", "info");
      return;
    }
    if (change.kind === "delete") {
      await this.undoDelete(change.span, { fromHistory: true });
      return;
    }
    const span = this.span(change.id);
    if (!span) return;
    try {
      if (change.kind === "create") {
        await apiRequest("DELETE", this.urls.span + span.id);
        this.forget(span);
        if (this.selectedId === span.id) this.selectedId = null;
        this.redraw();
        this.status.show(`Undone: “${short(span.text)}” is no longer annotated.`, "ok");
        return;
      }
      const before = change.before;
      const restored = await apiRequest("PATCH", this.urls.span + span.id, {
        version: span.version, start: before.start, end: before.end, text: before.text,
        claimant_id: before.claimant.id, evidence_type: before.evidence_type,
        note: before.note || "",
      });
      this.select(this.upsert(restored).id);
      this.status.show(`Undone: “${short(before.text)}” is as it was.`, "ok");
    } catch (error) {
      this.history.push(change);
      this.status.show(`Undo failed: ${describeError(error)}`, "error");
    }
  }

  // Undo a delete by creating the same span again (it gets a new id).
  async undoDelete(span, { fromHistory = false } = {}) {
    // The status line's Undo and Ctrl+Z undo the same delete: it leaves the history here.
    if (!fromHistory) this.history = this.history.filter((change) => change.span !== span);
    try {
      const restored = await apiRequest("POST", this.urls.createSpan, {
        start: span.start, end: span.end, text: span.text, claimant_id: span.claimant.id,
        evidence_type: span.evidence_type, note: span.note || "",
      });
      const shown = this.upsert(restored);
      this.select(shown.id);
      this.status.show(`Restored “${short(shown.text)}”.`, "ok");
      // The Undo button is gone: keyboard users carry on from the span it brought back.
      if (!this.list.focus(shown.id)) this.textElement.focus({ preventScroll: true });
    } catch (error) {
      this.status.show(`Undo failed: ${error.message}`, "error",
        { label: "Try again", run: () => this.undoDelete(span) });
      this.status.focusAction();
    }
  }

  markInProgress() {
    const badge = document.getElementById("assignment-status");
    if (badge && this.config.status === "assigned") {
      this.config.status = "in_progress";
      badge.textContent = "in progress";
      badge.className = "badge status-in_progress";
    }
  }

  async submit() {
    try {
      await apiRequest("POST", this.urls.submit, {});
    } catch (error) {
      this.status.show(`Not submitted: ${error.message}`, "error");
      return false;
    }
    this.readOnly = true;
    this.config.status = "submitted";
    if (this.panel.isOpen) this.closePanel();
    this.onReadOnly();
    this.status.show("Submitted. The document is now read-only.", "ok");
    return true;
  }
}
