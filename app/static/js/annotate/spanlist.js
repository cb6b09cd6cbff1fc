// The side list: my spans in text order, filterable by claimant and evidence type.

const QUOTE_LIMIT = 90;

export class SpanList {
  constructor({ list, count, claimantFilter, typeFilter, empty, onActivate }) {
    this.list = list;
    this.count = count;
    this.claimantFilter = claimantFilter;
    this.typeFilter = typeFilter;
    this.empty = empty;
    this.onActivate = onActivate;
    this.spans = [];
    this.selectedId = null;
    claimantFilter.addEventListener("change", () => this.render(this.spans, this.selectedId));
    typeFilter.addEventListener("change", () => this.render(this.spans, this.selectedId));
    list.addEventListener("click", (event) => {
      const item = event.target.closest("button[data-id]");
      if (item) this.onActivate(Number(item.dataset.id), { fromList: true });
    });
  }

  // Spans passing the filters, in text order.
  visible() {
    const claimant = this.claimantFilter.value;
    const type = this.typeFilter.value;
    return this.spans.filter((span) => (!claimant || String(span.claimant.id) === claimant)
      && (!type || span.evidence_type === type));
  }

  render(spans, selectedId) {
    this.spans = spans;
    this.selectedId = selectedId;
    this.fillClaimantFilter();
    const shown = this.visible();
    const items = shown.map((span) => this.item(span, span.id === selectedId));
    this.list.replaceChildren(...items);
    const filtered = shown.length !== spans.length ? ` (${shown.length} shown)` : "";
    this.count.textContent = `${spans.length}${filtered}`;
    this.empty.textContent = this.empty.dataset.emptyText; // "Loading spans…" until now
    this.empty.hidden = spans.length !== 0;
  }

  // Some spans changed (created, edited, deleted): replace only their items, in text order,
  // instead of rebuilding a list of thousands.
  update(spans, changedIds, selectedId) {
    this.spans = spans;
    const passes = new Set(this.visible().map((span) => span.id));
    for (const id of changedIds) {
      const old = this.list.querySelector(`button[data-id="${id}"]`);
      if (old) old.parentElement.remove();
    }
    const byId = new Map(spans.map((span) => [span.id, span]));
    for (const id of changedIds) {
      const span = byId.get(id);
      if (!span || !passes.has(id)) continue;
      const item = this.item(span, id === selectedId);
      const next = this.nextShownItem(span, passes);
      this.list.insertBefore(item, next);
    }
    this.selectedId = null; // re-marked below
    this.markSelected(selectedId);
    this.fillClaimantFilter();
    const filtered = passes.size !== spans.length ? ` (${passes.size} shown)` : "";
    this.count.textContent = `${spans.length}${filtered}`;
    this.empty.textContent = this.empty.dataset.emptyText;
    this.empty.hidden = spans.length !== 0;
  }

  // The list item that must follow `span` (the next shown span in text order), or null.
  nextShownItem(span, passes) {
    const index = this.spans.indexOf(span);
    for (let next = index + 1; next < this.spans.length; next += 1) {
      const later = this.spans[next];
      if (!passes.has(later.id)) continue;
      const button = this.list.querySelector(`button[data-id="${later.id}"]`);
      if (button) return button.parentElement;
    }
    return null;
  }

  // Only the selected item changes: move the mark instead of rebuilding the list.
  markSelected(selectedId) {
    if (selectedId === this.selectedId) return;
    const previous = this.list.querySelector('button[aria-current="true"]');
    if (previous) previous.removeAttribute("aria-current");
    this.selectedId = selectedId;
    const next = selectedId === null ? null
      : this.list.querySelector(`button[data-id="${selectedId}"]`);
    if (next) next.setAttribute("aria-current", "true");
  }

  item(span, selected) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "span-item";
    button.dataset.id = String(span.id);
    if (selected) button.setAttribute("aria-current", "true");
    const chip = document.createElement("span");
    chip.className = `chip et-${span.evidence_type}`;
    chip.textContent = span.evidenceName;
    const claimant = document.createElement("strong");
    claimant.className = "span-claimant";
    claimant.textContent = span.claimant.name;
    const quote = document.createElement("span");
    quote.className = "span-quote";
    quote.textContent = span.text.length > QUOTE_LIMIT
      ? `“${span.text.slice(0, QUOTE_LIMIT)}…”` : `“${span.text}”`;
    button.append(chip, " ", claimant, " ", quote);
    if (span.note) {
      const note = document.createElement("span");
      note.className = "span-note";
      note.textContent = `Note: ${span.note}`;
      button.append(" ", note);
    }
    item.append(button);
    return item;
  }

  fillClaimantFilter() {
    const current = this.claimantFilter.value;
    const claimants = new Map();
    for (const span of this.spans) claimants.set(String(span.claimant.id), span.claimant.name);
    // Rebuilding the options costs more than comparing them: only when the claimants changed.
    const signature = [...claimants].map(([id, name]) => `${id}:${name}`).sort().join("\n");
    if (signature === this.claimantSignature) return;
    this.claimantSignature = signature;
    const options = [new Option("All claimants", "")];
    const sorted = [...claimants].sort((a, b) => a[1].localeCompare(b[1]));
    for (const [id, name] of sorted) options.push(new Option(name, id));
    this.claimantFilter.replaceChildren(...options);
    this.claimantFilter.value = claimants.has(current) ? current : "";
  }

  // Focus a span's item; false when the filters hide it.
  focus(id) {
    const button = this.list.querySelector(`button[data-id="${id}"]`);
    if (!button) return false;
    button.focus({ preventScroll: true });
    button.scrollIntoView({ block: "nearest" });
    return true;
  }
}
