// DOM helpers. Text is only ever inserted as text nodes / textContent:
// nothing from the server or the user goes through innerHTML.
import * as i18n from './i18n.js';

/**
 * el('p', {class: 'x', id: 'y'}, 'text', childNode, ...)
 * Attributes with value null/undefined/false are skipped; true sets "".
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') {
      for (const [k, v] of Object.entries(value)) node.dataset[k] = v;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

/** An element whose text is the words of key, kept in the page's language. */
export function text(tag, key, args, attrs = {}) {
  const node = el(tag, attrs);
  i18n.setText(node, key, args);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * Copy text to the clipboard; where the browser refuses, select it in
 * input (a read-only field showing it) and try the older copy command.
 * Resolves to whether it was copied: if not, the text is left selected
 * for the person to copy by hand.
 */
export async function copyText(text, input) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* refused: try the older way */ }
  input.focus();
  input.select();
  try { return document.execCommand('copy'); } catch { return false; }
}
