// Keyboard use of the page. In the text: arrows move a caret, Shift+arrows select (by word
// with Ctrl or Alt), N or Enter opens the panel on the selection, an evidence type's key opens
// it with that type. Anywhere: J/K step through my spans, ? shows the shortcuts.

import { placeCaret, positionOf, readSelection } from "./render.js";

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const MOVES = {
  ArrowLeft: ["left", "character"],
  ArrowRight: ["right", "character"],
  ArrowUp: ["backward", "line"],
  ArrowDown: ["forward", "line"],
  Home: ["backward", "lineboundary"],
  End: ["forward", "lineboundary"],
};

export function wireKeyboard({ workspace, textElement, caret, listElement, help, hotkeys }) {
  const updateCaret = () => placeCaret(caret, textElement);
  document.addEventListener("selectionchange", updateCaret);
  textElement.addEventListener("focus", () => {
    ensureSelectionInside(textElement);
    updateCaret();
  });
  textElement.addEventListener("blur", () => { caret.hidden = true; });
  window.addEventListener("resize", updateCaret);

  textElement.addEventListener("keydown", (event) => {
    if (event.metaKey) return;
    const move = MOVES[event.key];
    if (move && move[1] === "line" && (event.ctrlKey || event.altKey)) {
      event.preventDefault();
      jump(workspace, textElement, move[0] === "forward" ? 1 : -1,
        event.ctrlKey ? "paragraph" : "sentence", event.shiftKey);
      caret.scrollIntoView({ block: "nearest" });
      return;
    }
    if (move) {
      event.preventDefault();
      ensureSelectionInside(textElement);
      window.getSelection().modify(event.shiftKey ? "extend" : "move", move[0],
        granularity(event, move[1]));
      caret.scrollIntoView({ block: "nearest" });
      return;
    }
    if (event.ctrlKey || event.altKey) return;
    if (event.key === "Enter" || event.key === "n") {
      event.preventDefault();
      if (workspace.createFromSelection()) return;
      // No text selected: Enter opens the span chosen with J/K, if any.
      if (event.key === "Enter" && workspace.selectedId !== null) {
        workspace.open(workspace.selectedId);
      } else {
        hintNothingSelected(workspace);
      }
    } else if (hotkeys.has(event.key) && !event.shiftKey) {
      event.preventDefault();
      if (!workspace.createFromSelection(hotkeys.get(event.key))) hintNothingSelected(workspace);
    } else if (event.key === "Escape") {
      window.getSelection().collapseToEnd();
    }
  });

  // A drag that starts in the text may end outside it: listen for the release everywhere.
  let pressedInText = false;
  textElement.addEventListener("mousedown", (event) => {
    pressedInText = event.button === 0;
  });
  document.addEventListener("mouseup", (event) => {
    if (!pressedInText || event.button !== 0) return;
    pressedInText = false;
    const selection = window.getSelection();
    if (!selection.isCollapsed) {
      workspace.createFromSelection();
      return;
    }
    const segment = textElement.contains(event.target)
      ? event.target.closest(".seg[data-spans]") : null;
    if (segment) workspace.clickAt(segment, event.clientX, event.clientY);
  });

  listElement.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      workspace.step(event.key === "ArrowDown" ? 1 : -1);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    const target = event.target;
    if (TYPING.has(target.tagName) || target.closest("#span-panel, dialog, #span-chooser")) {
      return;
    }
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
      event.preventDefault();
      if (!workspace.panel.isOpen) workspace.undoLast();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if ((event.key === "Delete" || event.key === "Backspace") && !workspace.panel.isOpen) {
      event.preventDefault();
      workspace.removeSelected();
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      help.showModal();
    } else if ((event.key === "j" || event.key === "k") && !workspace.panel.isOpen) {
      event.preventDefault();
      workspace.step(event.key === "j" ? 1 : -1);
    } else if (event.key === "n" && target !== textElement) {
      event.preventDefault();
      if (!workspace.createFromSelection()) hintNothingSelected(workspace);
    } else if (event.key === "Escape" && workspace.panel.isOpen) {
      workspace.cancel();
    }
  });
}

// Ctrl or Alt with ←/→ moves by word (the browser's own word boundaries).
function granularity(event, unit) {
  return unit === "character" && (event.ctrlKey || event.altKey) ? "word" : unit;
}

// Ctrl+↓/↑ to the next/previous paragraph start, Alt+↓/↑ sentence start; with Shift the
// selection grows or shrinks to it. The stops come from the text model, not the browser's
// Selection.modify, whose "paragraph" keeps the column like a line move does.
function jump(workspace, textElement, direction, kind, extend) {
  ensureSelectionInside(textElement);
  const selection = readSelection(textElement);
  if (!selection) return;
  const target = workspace.model.nextStart(selection.focus, direction, kind);
  const to = positionOf(textElement, target, true);
  if (extend) {
    const from = positionOf(textElement, selection.anchor, true);
    window.getSelection().setBaseAndExtent(from.node, from.offset, to.node, to.offset);
  } else {
    window.getSelection().collapse(to.node, to.offset);
  }
}

// Keyboard users start with a caret at the top of the text (or where they left it).
function ensureSelectionInside(textElement) {
  const selection = window.getSelection();
  if (selection.rangeCount && textElement.contains(selection.anchorNode)) return;
  const walker = document.createTreeWalker(textElement, NodeFilter.SHOW_TEXT);
  const first = walker.nextNode();
  if (first) selection.collapse(first, 0);
}

function hintNothingSelected(workspace) {
  if (workspace.readOnly) {
    workspace.status.show("This document is read-only.", "info");
  } else {
    workspace.status.show("Select some text first (Shift+arrows or the mouse), then press N.",
      "info");
  }
}
