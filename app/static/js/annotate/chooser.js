// Where spans overlap, a click could mean any of them: a small menu lets the user choose.

export class SpanChooser {
  constructor(root, onChoose) {
    this.root = root;
    this.onChoose = onChoose;
    this.returnFocus = null;
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (!button) return;
      this.close();
      this.onChoose(Number(button.dataset.id));
    });
    root.addEventListener("keydown", (event) => this.onKeydown(event));
    document.addEventListener("mousedown", (event) => {
      if (!this.root.hidden && !this.root.contains(event.target)) this.close();
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  open(spans, x, y) {
    const heading = document.createElement("p");
    heading.className = "chooser-heading";
    heading.textContent = `${spans.length} spans here: which one?`;
    const buttons = spans.map((span) => {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "menuitem");
      button.dataset.id = String(span.id);
      const chip = document.createElement("span");
      chip.className = `chip et-${span.evidence_type}`;
      chip.textContent = span.evidenceName;
      const quote = span.text.length > 50 ? `${span.text.slice(0, 50)}…` : span.text;
      button.append(chip, ` ${span.claimant.name}: “${quote}”`);
      return button;
    });
    this.root.replaceChildren(heading, ...buttons);
    const box = this.root.parentElement.getBoundingClientRect();
    this.root.style.left = `${Math.max(0, x - box.left)}px`;
    this.root.style.top = `${y - box.top + 12}px`;
    this.returnFocus = document.activeElement;
    this.root.hidden = false;
    buttons[0].focus();
  }

  close() {
    this.root.hidden = true;
  }

  onKeydown(event) {
    const buttons = [...this.root.querySelectorAll("button")];
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      buttons[(index + step + buttons.length) % buttons.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      if (this.returnFocus) this.returnFocus.focus();
    }
  }
}
