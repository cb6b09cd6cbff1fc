// Find in the text: a search box ("/" or Ctrl+F) that counts the matches as you type; Enter
// selects the next match in the text (Shift+Enter the previous) and puts the focus there,
// ready to annotate with N or an evidence type's key. Escape goes back to the text.

import { selectRange } from "./render.js";

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Every match of `query` in `text`, case-insensitive, as UTF-16 [start, end) pairs. The
// search runs on the text itself (not a lowercased copy), so offsets stay exact even where
// lowercasing changes a string's length.
export function findAll(text, query) {
  const trimmed = query.trim();
  if (!trimmed) return [];
  const pattern = new RegExp(escapeRegExp(trimmed).replace(/\s+/g, "\\s+"), "giu");
  return Array.from(text.matchAll(pattern), (match) => [match.index, match.index + match[0].length]);
}

export function wireFind({ form, input, count, textElement, text }) {
  let matches = [];
  let current = -1;
  const show = () => {
    if (!input.value.trim()) count.textContent = "";
    else if (!matches.length) count.textContent = "no match";
    else if (current < 0) count.textContent = `${matches.length} found`;
    else count.textContent = `${current + 1} of ${matches.length}`;
  };
  input.addEventListener("input", () => {
    matches = findAll(text, input.value);
    current = -1;
    show();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      textElement.focus({ preventScroll: true });
      return;
    }
    if (event.key !== "Enter" || !matches.length) return;
    event.preventDefault();
    current = nextMatch(matches, current, event.shiftKey ? -1 : 1);
    show();
    const [start, end] = matches[current];
    textElement.focus({ preventScroll: true });
    selectRange(textElement, start, end);
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    if (rect.top < 60 || rect.bottom > window.innerHeight - 40) {
      window.scrollBy(0, rect.top - window.innerHeight / 3);
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName)
      || event.target.closest("#span-panel, dialog");
    const wantsFind = (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey)
      || ((event.ctrlKey || event.metaKey) && event.key === "f");
    if (!wantsFind || typing || event.defaultPrevented) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
}

function nextMatch(matches, current, direction) {
  if (current < 0) return direction > 0 ? 0 : matches.length - 1;
  return (current + direction + matches.length) % matches.length;
}
