// Small helpers for building the pages: elements from a tag, attributes and children (text is
// always set as text, never parsed as HTML), and number, duration and time formatting.
/* global document */

/**
 * An element: `h('p', { class: 'muted' }, 'text', child)`. Attributes starting with `on` are
 * listeners; `null`, `undefined` and `false` attributes and children are left out.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/* global Node */

/** An SVG element with attributes. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A count for people: `12,345`, or `—` when unknown. */
export function count(value) {
  return typeof value === 'number' && Number.isFinite(value) ? integer.format(value) : '—';
}

export function rate(value) {
  return typeof value === 'number' && Number.isFinite(value) ? decimal.format(value) : '—';
}

/** A duration in ms for people: `850 ms`, `3.2 s`, `4 min`, `2.5 h`, `3 d`. */
export function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${decimal.format(ms / 1_000)} s`;
  if (abs < 3_600_000) return `${decimal.format(ms / 60_000)} min`;
  if (abs < 86_400_000) return `${decimal.format(ms / 3_600_000)} h`;
  return `${decimal.format(ms / 86_400_000)} d`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** An instant (epoch ms or ISO text) in the browser's zone. */
export function when(value) {
  const ms = typeof value === 'string' ? Date.parse(value) : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? dateTime.format(ms) : '—';
}

export function clockTime(ms) {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? timeOnly.format(ms) : '—';
}

/** Money in minor units: `€12.34`. */
export function money(minor, currency) {
  if (typeof minor !== 'number') return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'EUR' }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency ?? ''}`.trim();
  }
}

/** A badge for a status or finality word. */
export function badge(word, extraClass = '') {
  return h('span', { class: `badge badge-${word} ${extraClass}`.trim() }, word);
}

/** A `<dl>` entry for figure grids. */
export function figure(label, value, attributes = {}) {
  return h('div', { class: 'figure' }, h('dt', {}, label), h('dd', attributes, value));
}

/** A card with a heading (its id labels the section). */
export function card(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** The human / bot / suspicious split as a bar with a key. */
export function splitBar(split, label) {
  const human = split?.human ?? 0;
  const bot = split?.bot ?? 0;
  const suspicious = split?.suspicious ?? 0;
  const total = human + bot + suspicious;
  const width = (part) => `${total === 0 ? 0 : (part / total) * 100}%`;
  const bar = h('div', { class: 'split-bar', role: 'img', 'aria-label': `${label}: ${count(human)} human, ${count(bot)} bot, ${count(suspicious)} suspicious` });
  for (const [part, name] of [[human, 'human'], [bot, 'bot'], [suspicious, 'suspicious']]) {
    const span = h('span', { class: `split-${name}` });
    span.style.width = width(part);
    bar.append(span);
  }
  return bar;
}
