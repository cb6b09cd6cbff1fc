// The span panel: create a span from a selection, or change, move or delete one.
// It keeps what the user typed until a save succeeds; a failure is shown inside it.

const TEXT_FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const QUOTE_LIMIT = 160;
// Boundary shortcuts go by the character typed (event.key), not the physical key: on many
// layouts these characters need AltGr or sit on other keys (UI Events KeyboardEvent, "key").
const BOUNDARY_KEYS = {
  "[": ["start", -1], "]": ["start", 1], "{": ["end", -1], "}": ["end", 1],
};

export class SpanPanel {
  constructor({ root, claimants, hotkeys, actions }) {
    this.root = root;
    this.claimants = claimants;
    this.hotkeys = hotkeys; // hotkey -> evidence type key
    this.actions = actions; // {save, remove, cancel, reload, moveBoundary, place}
    this.form = root.querySelector("#panel-form");
    this.title = root.querySelector("#panel-title");
    this.quote = root.querySelector("#panel-quote");
    this.note = root.querySelector("#note-input");
    this.error = root.querySelector("#panel-error");
    this.errorText = root.querySelector("#panel-error-text");
    this.reloadButton = root.querySelector("#panel-reload");
    this.deleteButton = root.querySelector("#panel-delete");
    this.saveButton = root.querySelector("#panel-save");
    this.byCharacter = root.querySelector("#adjust-by-character");
    this.span = null; // the span being edited, null when creating
    this.range = null; // {start, end} in UTF-16 units
    this.conflict = null;
    this.wire();
  }

  wire() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.root.querySelector("#panel-cancel").addEventListener("click", () => this.actions.cancel());
    this.deleteButton.addEventListener("click", () => this.actions.remove(this.span));
    this.reloadButton.addEventListener("click", () => this.actions.reload(this.conflict));
    for (const button of this.root.querySelectorAll("button[data-edge]")) {
      button.addEventListener("click", () => {
        this.move(button.dataset.edge, Number(button.dataset.direction));
      });
    }
    this.root.addEventListener("keydown", (event) => this.onKeydown(event));
    this.root.addEventListener("change", (event) => {
      if (event.target.name === "evidence_type") this.markEvidence(event.target.value);
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  openCreate(range, text, evidenceType = null) {
    const keep = this.isOpen && this.span === null ? this.snapshot() : null;
    this.span = null;
    this.title.textContent = "New span";
    this.deleteButton.hidden = true;
    this.reset();
    if (keep) this.restore(keep); // a new selection while creating keeps what was typed
    if (evidenceType) this.setEvidence(evidenceType);
    this.show(range, text);
    if (this.evidence()) this.claimants.input.focus();
    else this.focusEvidence();
  }

  openEdit(span, range, text) {
    this.span = span;
    this.title.textContent = "Edit span";
    this.deleteButton.hidden = false;
    this.reset();
    this.claimants.set(span.claimant);
    this.setEvidence(span.evidence_type);
    this.note.value = span.note || "";
    this.show(range, text);
    this.focusEvidence();
  }

  // Put the panel back as the given span now is (after "reload the span" on a conflict).
  refill(span, range, text) {
    this.span = span;
    this.claimants.set(span.claimant);
    this.setEvidence(span.evidence_type);
    this.note.value = span.note || "";
    this.hideError();
    this.setRange(range, text);
  }

  close() {
    this.root.hidden = true;
    this.span = null;
    this.range = null;
    this.hideError();
  }

  reset() {
    this.claimants.set(null);
    for (const radio of this.radios()) radio.checked = false;
    this.markEvidence(null);
    this.note.value = "";
    this.hideError();
    this.setBusy(false);
  }

  show(range, text) {
    this.root.hidden = false;
    this.setRange(range, text);
  }

  setRange(range, text) {
    this.range = { ...range };
    const quote = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
    this.quote.textContent = quote;
    this.actions.place(this.range);
  }

  move(edge, direction) {
    const unit = this.byCharacter.checked ? "character" : "word";
    this.actions.moveBoundary(edge, direction, unit);
  }

  radios() {
    return [...this.root.querySelectorAll('input[name="evidence_type"]')];
  }

  evidence() {
    const checked = this.radios().find((radio) => radio.checked);
    return checked ? checked.value : null;
  }

  setEvidence(key) {
    for (const radio of this.radios()) radio.checked = radio.value === key;
    this.markEvidence(key);
  }

  // The panel's top edge takes the chosen type's colour (scheme.css sets --et-colour).
  markEvidence(key) {
    this.root.className = key ? `span-panel et-${key}` : "span-panel";
    if (key) this.root.dataset.evidence = key;
    else delete this.root.dataset.evidence;
  }

  focusEvidence() {
    const radios = this.radios();
    (radios.find((radio) => radio.checked) || radios[0]).focus();
  }

  // True when closing the panel would lose something typed or chosen: for a new span any
  // evidence type, claimant or note; for an existing span any change from what is saved.
  hasUnsavedInput() {
    if (!this.isOpen) return false;
    const claimant = this.claimants.input.value.trim();
    const note = this.note.value.trim();
    if (this.span === null) return Boolean(this.evidence() || claimant || note);
    return this.evidence() !== this.span.evidence_type
      || claimant !== (this.span.claimant ? this.span.claimant.name : "")
      || note !== (this.span.note || "").trim();
  }

  snapshot() {
    return {
      claimant: this.claimants.snapshot(), evidence: this.evidence(), note: this.note.value,
    };
  }

  restore(state) {
    this.claimants.restore(state.claimant);
    if (state.evidence) this.setEvidence(state.evidence);
    this.note.value = state.note;
  }

  async submit() {
    if (this.saveButton.disabled) return;
    const evidenceType = this.evidence();
    if (!evidenceType) {
      this.showError({ message: "choose an evidence type (click it or press its key)" });
      this.focusEvidence();
      return;
    }
    this.setBusy(true);
    const claimant = await this.claimants.payload();
    if (claimant.error) {
      this.showError({ message: claimant.error });
      this.claimants.input.focus();
      return;
    }
    this.hideError();
    this.actions.save({
      span: this.span,
      range: this.range,
      claimant,
      evidenceType,
      note: this.note.value.trim(),
    });
  }

  setBusy(busy) {
    this.saveButton.disabled = busy;
    this.root.setAttribute("aria-busy", String(busy));
  }

  showError(error) {
    this.setBusy(false);
    this.conflict = error.status === 409 && error.current ? error.current : null;
    this.errorText.textContent = describeError(error);
    this.reloadButton.hidden = this.conflict === null;
    this.error.hidden = false;
  }

  hideError() {
    this.error.hidden = true;
    this.conflict = null;
  }

  onKeydown(event) {
    const target = event.target;
    if (event.key === "Escape") {
      event.preventDefault();
      this.actions.cancel();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && target.tagName !== "BUTTON") {
      event.preventDefault();
      this.submit();
      return;
    }
    if (TEXT_FIELDS.has(target.tagName) && target.type !== "radio" && target.type !== "checkbox") {
      return; // typing: keys are characters here
    }
    const boundary = BOUNDARY_KEYS[event.key];
    const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
    if (boundary && (plain || typedWithAltGraph(event))) {
      event.preventDefault();
      this.move(...boundary);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "c") {
      event.preventDefault();
      this.byCharacter.checked = !this.byCharacter.checked;
    } else if (this.hotkeys.has(event.key)) {
      event.preventDefault();
      this.setEvidence(this.hotkeys.get(event.key));
      if (!this.claimants.input.value) this.claimants.input.focus();
    }
  }
}

// AltGr reports itself as AltGraph, or on Windows as Ctrl+Alt together.
function typedWithAltGraph(event) {
  return !event.metaKey
    && (event.getModifierState("AltGraph") || (event.ctrlKey && event.altKey));
}

export function describeError(error) {
  const status = error.status;
  let prefix = "Not saved";
  if (status === 409) prefix = "Not saved (conflict)";
  else if (status === 422) prefix = "Not saved (refused)";
  else if (status === 0) prefix = "Not saved (network)";
  const field = error.field ? ` [${error.field}]` : "";
  return status === undefined ? error.message : `${prefix}: ${error.message}${field}`;
}
