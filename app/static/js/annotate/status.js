// The status line (aria-live): every save, failure and undo is announced here.

export class StatusLine {
  constructor(element) {
    this.element = element;
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
  }
}
