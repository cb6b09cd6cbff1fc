// The claimant field: a combobox (WAI-ARIA Authoring Practices, "Editable Combobox With List
// Autocomplete") over the project's registry, matching names and aliases, plus "new claimant".

import { SESSION_EXPIRED, apiRequest } from "./api.js";

const DEBOUNCE_MS = 150;

export class ClaimantField {
  constructor({ input, list, newBox, typeSelect, url, typeNames }) {
    this.input = input;
    this.list = list;
    this.newBox = newBox;
    this.typeSelect = typeSelect;
    this.url = url;
    this.typeNames = typeNames;
    this.chosen = null; // {id, name, type} picked from the registry
    this.options = [];
    this.active = -1;
    this.request = 0;
    this.timer = null;
    // True while the registry could not be asked (session expired): a typed name may then be
    // a known claimant, so the field must not offer to create it.
    this.unknown = false;
    input.addEventListener("input", () => this.onInput());
    input.addEventListener("keydown", (event) => this.onKeydown(event));
    input.addEventListener("blur", () => setTimeout(() => this.closeList(), 150));
    list.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault(); // keep the focus in the input
      this.choose(Number(option.dataset.index));
    });
  }

  // Fill the field from a span's claimant, or empty it. The new-claimant type always starts
  // empty: a type left from the previous new claimant would otherwise be saved silently.
  set(claimant) {
    this.chosen = claimant ? { ...claimant } : null;
    this.input.value = claimant ? claimant.name : "";
    this.typeSelect.value = "";
    this.options = [];
    this.closeList();
    this.updateNewBox();
  }

  // What the user typed, to put back exactly after a failed save or a re-opened panel.
  snapshot() {
    return { chosen: this.chosen, text: this.input.value, type: this.typeSelect.value };
  }

  restore(state) {
    this.chosen = state.chosen;
    this.input.value = state.text;
    this.typeSelect.value = state.type;
    this.updateNewBox();
  }

  // The claimant part of an API payload, or {error} when the field cannot be used yet.
  // A typed name may be in the registry although no suggestion was picked (typed fast, then
  // Enter): then ask the registry before asking for a new claimant's type.
  async payload() {
    const name = this.input.value.trim();
    if (this.chosen && this.chosen.name === name) return { claimant_id: this.chosen.id };
    if (!name) return { error: "name the claimant (type to search the registry)" };
    let known = this.options.find((option) => sameName(option, name));
    if (!known && !this.typeSelect.value) {
      clearTimeout(this.timer);
      await this.search();
      if (this.unknown) return { error: SESSION_EXPIRED };
      known = this.options.find((option) => sameName(option, name));
    }
    if (known) {
      this.chosen = { id: known.id, name: known.name, type: known.type };
      return { claimant_id: known.id };
    }
    if (!this.typeSelect.value) return { error: "choose the new claimant's type" };
    return { claimant: { name, type: this.typeSelect.value } };
  }

  onInput() {
    if (this.chosen && this.chosen.name !== this.input.value.trim()) this.chosen = null;
    this.updateNewBox();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), DEBOUNCE_MS);
  }

  async search() {
    const query = this.input.value.trim();
    const request = ++this.request;
    if (!query) {
      this.options = [];
      this.closeList();
      return;
    }
    let found = [];
    let unknown = false;
    try {
      found = await apiRequest("GET", `${this.url}?q=${encodeURIComponent(query)}`);
    } catch (error) {
      // Logged out: the registry's answer is unknown. Otherwise a failed search only means
      // no suggestions; saving still works.
      unknown = error.status === 401;
      found = [];
    }
    if (request !== this.request) return; // an older answer arriving late
    this.unknown = unknown;
    this.options = found;
    if (unknown) {
      this.closeList();
      this.updateNewBox();
      return;
    }
    this.renderList(query);
    this.updateNewBox();
  }

  renderList(query) {
    const items = this.options.map((option, index) => {
      const item = document.createElement("li");
      item.id = `claimant-option-${index}`;
      item.setAttribute("role", "option");
      item.dataset.index = String(index);
      const name = document.createElement("span");
      name.className = "option-name";
      name.textContent = option.name;
      const type = document.createElement("span");
      type.className = "option-type";
      type.textContent = this.typeNames[option.type] || option.type;
      item.append(name, " ", type);
      if (option.status === "proposed") {
        // Not yet confirmed by a reviewer: only its author and reviewers see it.
        const proposed = document.createElement("span");
        proposed.className = "option-alias";
        proposed.textContent = "proposed";
        item.append(" ", proposed);
      }
      if (option.matched && option.matched !== option.name) {
        const alias = document.createElement("span");
        alias.className = "option-alias";
        alias.textContent = `alias “${option.matched}”`;
        item.append(" ", alias);
      }
      return item;
    });
    if (!this.options.some((option) => sameName(option, query))) {
      const item = document.createElement("li");
      item.id = `claimant-option-${items.length}`;
      item.setAttribute("role", "option");
      item.dataset.index = String(items.length);
      item.className = "option-new";
      item.textContent = `New claimant “${query}”`;
      items.push(item);
    }
    this.list.replaceChildren(...items);
    this.active = -1;
    this.list.hidden = items.length === 0;
    this.input.setAttribute("aria-expanded", String(!this.list.hidden));
    this.input.removeAttribute("aria-activedescendant");
  }

  choose(index) {
    const option = this.options[index];
    if (option) {
      this.chosen = { id: option.id, name: option.name, type: option.type };
      this.input.value = option.name;
    } else {
      this.chosen = null; // "new claimant": keep the typed name, ask for its type
      this.typeSelect.focus();
    }
    this.closeList();
    this.updateNewBox();
  }

  closeList() {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  onKeydown(event) {
    const open = !this.list.hidden;
    const count = this.list.children.length;
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && open && count) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + count) % count;
      [...this.list.children].forEach((item, index) => {
        item.setAttribute("aria-selected", String(index === this.active));
      });
      this.input.setAttribute("aria-activedescendant", this.list.children[this.active].id);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      event.stopPropagation(); // Enter picks the suggestion; the next Enter saves
      this.choose(this.active);
    } else if (event.key === "Escape" && open) {
      event.stopPropagation(); // close the suggestions, not the panel
      this.closeList();
    }
  }

  updateNewBox() {
    const name = this.input.value.trim();
    if (this.unknown) {
      this.newBox.hidden = true;
      return;
    }
    const known = (this.chosen && this.chosen.name === name)
      || this.options.some((option) => sameName(option, name));
    this.newBox.hidden = !name || known;
  }
}

function sameName(option, name) {
  const wanted = name.toLocaleLowerCase();
  return option.name.toLocaleLowerCase() === wanted
    || (option.aliases || []).some((alias) => alias.toLocaleLowerCase() === wanted);
}
