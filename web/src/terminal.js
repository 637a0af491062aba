// Log text as a terminal would show it: a carriage return rewrites the line
// (progress bars), and ANSI SGR colour codes become classes. Everything
// stays text (preact escapes it); only the class names come from here.
import { html } from './ui.js';

const SGR = /\x1b\[([0-9;]*)m/g;
const OTHER_ESCAPES = /\x1b\[[0-9;?]*[A-Za-ln-z]/g;

function finalLine(line) {
  // What is left after the last \r that has text after it.
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== '') return parts[i];
  return '';
}

function spans(line) {
  const out = [];
  let classes = [];
  let last = 0;
  line = line.replace(OTHER_ESCAPES, '');
  for (const m of line.matchAll(SGR)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), classes: classes.join(' ') });
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (const c of codes) {
      if (c === 0) classes = [];
      else if (c === 1) classes.push('ansi-bold');
      else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) {
        classes = classes.filter((k) => !k.startsWith('ansi-fg')).concat('ansi-fg' + (c % 10 + (c >= 90 ? 8 : 0)));
      } else if (c === 39) classes = classes.filter((k) => !k.startsWith('ansi-fg'));
    }
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ text: line.slice(last), classes: classes.join(' ') });
  return out;
}

export function terminalLines(text) {
  return text.split('\n').map(finalLine);
}

export function TerminalText({ text }) {
  const lines = terminalLines(text);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return html`${lines.map((line) => html`<div class="line">${spans(line).map((s) =>
    s.classes ? html`<span class=${s.classes}>${s.text}</span>` : s.text)}</div>`)}`;
}
