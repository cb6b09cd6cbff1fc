// Project pages: a table editor over the scheme JSON, confirmations, an upload size check.
// Progressive enhancement: every form works without this file; the server validates everything.

const EVIDENCE_FIELDS = ["colour", "key", "name", "definition", "rule", "hotkey"];
const DEFAULT_COLOUR = "#dddddd";
const TYPING_PAUSE_MS = 300;
const HEADINGS = { colour: "Colour", key: "Key", name: "Name", definition: "Definition",
  rule: "Rule (how to tell it apart)", hotkey: "Hotkey" };

function element(tag, properties = {}, children = []) {
  const node = document.createElement(tag);
  const { ariaLabel, ...rest } = properties;
  Object.assign(node, rest);
  if (ariaLabel) node.setAttribute("aria-label", ariaLabel);
  for (const child of children) node.append(child);
  return node;
}

function readLockedKeys(container, attribute) {
  try {
    return new Set(JSON.parse(container.dataset[attribute] || "[]"));
  } catch {
    return new Set();
  }
}

// --- the scheme editor -----------------------------------------------------------------------

class SchemeEditor {
  constructor(container, textarea) {
    this.container = container;
    this.textarea = textarea;
    this.submitButton = textarea.form && textarea.form.querySelector("button[type=submit]");
    this.lockedEvidence = readLockedKeys(container, "lockedEvidence");
    this.lockedClaimantTypes = readLockedKeys(container, "lockedClaimantTypes");
    this.note = element("p", { className: "editor-note", hidden: true });
    this.body = null; // the tables, once the JSON could be read
    this.scheme = null;
    this.errorWhere = ""; // which table row the server's error is about, once found
    this.timer = null;
    // Follow the JSON while it is typed, so the table is already up to date when the user
    // clicks "Save settings": redrawing it on that click (the textarea's change event) used
    // to move the button from under the pointer and lose the click.
    textarea.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.keepInPlace(textarea, () => this.loadFromText()),
        TYPING_PAUSE_MS);
    });
    textarea.addEventListener("change", () => {
      clearTimeout(this.timer);
      this.keepInPlace(this.submitButton || textarea, () => this.loadFromText());
    });
  }

  // Run `change` (which may resize the editor above `anchor`), then scroll by as much as
  // `anchor` moved, so what the user is typing in or clicking on stays under the pointer.
  keepInPlace(anchor, change) {
    const before = anchor.getBoundingClientRect().top;
    change();
    const moved = anchor.getBoundingClientRect().top - before;
    if (moved) window.scrollBy(0, moved);
  }

  loadFromText() {
    let scheme;
    try {
      scheme = JSON.parse(this.textarea.value);
    } catch {
      return this.showNote("The JSON below has an error, so the table cannot show it; fix it there.");
    }
    if (!scheme || !Array.isArray(scheme.evidence_types)) {
      return this.showNote("The JSON below has no evidence_types list; fix it there.");
    }
    this.clearStaleJsonError();
    const next = {
      evidence_types: scheme.evidence_types.map((item) => ({ ...item })),
      claimant_types: Array.isArray(scheme.claimant_types)
        ? scheme.claimant_types.map((item) => ({ ...item })) : [],
    };
    const unchanged = this.body && JSON.stringify(next) === JSON.stringify(this.scheme);
    this.scheme = next;
    if (unchanged) this.showTables(); // nothing to redraw: the layout does not move
    else this.render();
  }

  // The server said the JSON it got could not be read; once it can, that message is stale.
  clearStaleJsonError() {
    if (!(this.container.dataset.error || "").startsWith("not valid JSON")) return;
    this.container.dataset.error = "";
    const field = this.textarea.closest(".field");
    if (!field) return;
    field.classList.remove("has-error");
    field.querySelectorAll(".field-error").forEach((message) => message.remove());
  }

  // A JSON error while a table is shown: keep the table (so nothing jumps) but freeze it,
  // since edits made there would overwrite the JSON being fixed.
  showNote(message) {
    this.note.textContent = message;
    this.note.hidden = false;
    if (this.body) {
      this.body.inert = true;
      this.body.classList.add("stale");
    } else {
      this.container.replaceChildren(this.note);
    }
    this.container.hidden = false;
  }

  showTables() {
    const error = this.container.dataset.error;
    this.note.textContent = error ? error + this.errorWhere : "";
    this.note.hidden = !error;
    this.body.inert = false;
    this.body.classList.remove("stale");
  }

  save() {
    this.textarea.value = JSON.stringify(this.scheme, null, 2);
  }

  render() {
    this.body = element("div", { className: "editor-body" }, [
      element("h3", { textContent: "Evidence types" }),
      this.table(this.scheme.evidence_types, EVIDENCE_FIELDS, this.lockedEvidence, "evidence"),
      element("button", { type: "button", textContent: "Add evidence type",
        onclick: () => this.add(this.scheme.evidence_types, { colour: DEFAULT_COLOUR }) }),
      element("h3", { textContent: "Claimant types" }),
      this.table(this.scheme.claimant_types, ["key", "name"], this.lockedClaimantTypes,
        "claimant type"),
      element("button", { type: "button", textContent: "Add claimant type",
        onclick: () => this.add(this.scheme.claimant_types, {}) }),
    ]);
    this.container.replaceChildren(this.note, this.body);
    this.showTables();
    this.container.hidden = false;
    this.markErrorCell();
  }

  // The server names the field at fault as a path such as "evidence_types[2].hotkey".
  markErrorCell() {
    const match = /^(evidence_types|claimant_types)\[(\d+)\](?:\.(\w+))?/.exec(
      this.container.dataset.errorPath || "");
    if (!match) return;
    const [, list, index, field] = match;
    const table = this.container.querySelectorAll("table")[list === "evidence_types" ? 0 : 1];
    const row = table && table.tBodies[0].rows[Number(index)];
    if (!row) return;
    row.classList.add("has-error");
    const tableName = list === "evidence_types" ? "evidence types" : "claimant types";
    this.errorWhere = ` (row ${Number(index) + 1} of the ${tableName} table)`;
    this.showTables();
    const fields = list === "evidence_types" ? EVIDENCE_FIELDS : ["key", "name"];
    const cell = row.cells[fields.indexOf(field)];
    const control = cell && cell.querySelector("input, textarea");
    if (control) control.classList.add("error-control");
  }

  table(items, fields, locked, noun) {
    const head = element("tr", {}, fields.map((name) => element("th", { textContent: HEADINGS[name], className: `col-${name}` })));
    head.append(element("th", {}, [element("span", { className: "visually-hidden",
      textContent: "Order and removal" })]));
    const rows = items.map((item, index) => {
      const row = element("tr", {}, fields.map((name) => element("td", {}, [
        this.input(item, name, `${noun} ${index + 1} ${name}`, locked.has(item.key)),
      ])));
      row.append(element("td", { className: "row-actions" }, this.rowActions(items, index, locked, noun)));
      return row;
    });
    return element("table", { className: "data" }, [
      element("thead", {}, [head]), element("tbody", {}, rows),
    ]);
  }

  input(item, name, label, locked) {
    let control;
    if (name === "colour") {
      control = element("input", { type: "color", value: item.colour || DEFAULT_COLOUR });
    } else if (name === "definition" || name === "rule") {
      control = element("textarea", { value: item[name] || "" });
    } else {
      control = element("input", { type: "text", value: item[name] || "", className: name });
      if (name === "hotkey") control.maxLength = 1;
      if (name === "key" && locked) {
        control.readOnly = true;
        control.title = "In use: annotations or claimants have this key";
      }
    }
    control.setAttribute("aria-label", label);
    control.addEventListener("input", () => {
      item[name] = control.value;
      this.save();
    });
    return control;
  }

  rowActions(items, index, locked, noun) {
    const move = (offset, text, label) => element("button", {
      type: "button", className: "small", textContent: text, disabled: !items[index + offset],
      ariaLabel: label, onclick: () => {
        [items[index], items[index + offset]] = [items[index + offset], items[index]];
        this.save();
        this.render();
      },
    });
    const actions = [move(-1, "↑", `Move ${noun} up`), move(1, "↓", `Move ${noun} down`)];
    if (locked.has(items[index].key)) {
      actions.push(element("span", { className: "in-use", textContent: " in use" }));
    } else {
      actions.push(element("button", {
        type: "button", className: "small danger", textContent: "✕", ariaLabel: `Remove ${noun}`,
        onclick: () => {
          items.splice(index, 1);
          this.save();
          this.render();
        },
      }));
    }
    return actions;
  }

  add(items, initial) {
    items.push({ key: "", name: "", ...initial });
    this.save();
    this.render();
    const inputs = this.container.querySelectorAll("tbody tr:last-child input[type=text]");
    if (inputs.length) inputs[0].focus();
  }
}

// --- confirmations and uploads ---------------------------------------------------------------

function confirmBeforeSubmit(form) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// A manager demoting themselves loses this page: ask first (the server allows it as long as
// another manager remains).
function confirmSelfDemotion(form) {
  const select = form.querySelector("select[name=role]");
  form.addEventListener("submit", (event) => {
    if (!select || select.value === "manager") return;
    const role = select.options[select.selectedIndex].text.toLowerCase();
    const message = form.dataset.confirmSelfDemote.replace("{role}", role);
    if (!window.confirm(message)) event.preventDefault();
  });
}

function checkUploadSize(form) {
  const limit = Number(form.dataset.maxBytes);
  const input = form.querySelector("input[type=file]");
  const message = form.querySelector("#files-size-error");
  if (!limit || !input || !message) return;
  const submit = form.querySelector("button[type=submit]");
  input.addEventListener("change", () => {
    const total = [...input.files].reduce((sum, file) => sum + file.size, 0);
    const tooLarge = total > limit;
    const megabytes = (bytes) => (bytes / 1048576).toFixed(1);
    message.textContent = tooLarge
      ? `These files hold ${megabytes(total)} MB; the limit is ${megabytes(limit)} MB. ` +
        "Split the upload." : "";
    message.hidden = !tooLarge;
    submit.disabled = tooLarge;
  });
}

const editorContainer = document.getElementById("scheme-table-editor");
const schemeText = document.getElementById("scheme");
if (editorContainer && schemeText) new SchemeEditor(editorContainer, schemeText).loadFromText();
document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
document.querySelectorAll("form[data-confirm-self-demote]").forEach(confirmSelfDemotion);
document.querySelectorAll("form.upload-form").forEach(checkUploadSize);
