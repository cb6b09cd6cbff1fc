// The status line (aria-live): every save, failure and undo is announced here.

// Confirmations fade after a while (an Undo stays longer); errors stay until the next message.
const SHOWN_MS = { ok: 8000, info: 8000, action: 20000 };

export class StatusLine {
  constructor(element) {
    this.element = element;
    this.timer = null;
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
    clearTimeout(this.timer);
    if (kind !== "error") {
      const delay = action ? SHOWN_MS.action : SHOWN_MS[kind] || SHOWN_MS.info;
      this.timer = setTimeout(() => this.element.replaceChildren(), delay);
    }
  }
}
