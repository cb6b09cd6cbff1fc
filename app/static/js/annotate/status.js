// The status line (aria-live): every save, failure and undo is announced here.

// Confirmations fade after a while (an Undo stays longer); errors stay until the next message.
const SHOWN_MS = { ok: 8000, info: 8000, action: 20000 };

export class StatusLine {
  // avoid: the element the message must not cover (the span panel, with its Save and Cancel).
  constructor(element, avoid = null) {
    this.element = element;
    this.avoid = avoid;
    this.timer = null;
  }

  // Move the message to the top of the window when, at its usual place, it would cover the
  // panel (one-column layouts, where the panel can be as wide as the window).
  dodge() {
    delete this.element.dataset.place;
    const avoid = this.avoid;
    if (!avoid || avoid.hidden || !this.element.childNodes.length) return;
    const mine = this.element.getBoundingClientRect();
    const theirs = avoid.getBoundingClientRect();
    const overlap = mine.left < theirs.right && theirs.left < mine.right
      && mine.top < theirs.bottom && theirs.top < mine.bottom;
    if (overlap) this.element.dataset.place = "top";
  }

  // kind: "ok" | "error" | "info"; action: optional {label, run} shown as a button (Undo).
  show(message, kind = "info", action = null) {
    const text = document.createElement("span");
    text.textContent = message;
    const children = [text];
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "status-action";
      button.textContent = action.label;
      button.addEventListener("click", () => {
        button.disabled = true;
        action.run();
      });
      children.push(" ", button);
    }
    this.element.replaceChildren(...children);
    this.element.dataset.kind = kind;
    this.dodge();
    clearTimeout(this.timer);
    if (kind !== "error") {
      const delay = action ? SHOWN_MS.action : SHOWN_MS[kind] || SHOWN_MS.info;
      this.timer = setTimeout(() => this.element.replaceChildren(), delay);
    }
  }

  // Focus the message's button (when the one just pressed was replaced by it).
  focusAction() {
    const button = this.element.querySelector(".status-action");
    if (button) button.focus();
  }
}
