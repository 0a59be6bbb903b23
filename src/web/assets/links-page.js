// The account's links, each with its live total and today's clicks (provisional, from the
// stream), busiest first. Opens a link's page.
import { getJson, getOptional, scoped } from './api.js';
import { badge, count, fill, h } from './dom.js';

/** Counters are asked for at most this many links at once. */
const countedLinksMax = 50;

export function renderLinks(main, { session }) {
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading links…'));
  fill(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Links'), h('p', {}, `Short links of ${session.accountName ?? 'this account'}, busiest first.`))),
    h('section', { class: 'card', 'aria-labelledby': 'links-heading' }, h('h2', { id: 'links-heading', class: 'visually-hidden' }, 'All links'), list),
  );
  let stopped = false;
  (async () => {
    const page = await getJson(scoped('/v1/links', { limit: 200 }));
    const links = page.items ?? [];
    if (links.length === 0) return fill(list, h('p', {}, 'This account has no links yet.'));
    const counters = await Promise.all(links.slice(0, countedLinksMax).map((link) =>
      getOptional(scoped(`/v1/links/${encodeURIComponent(link.id)}/counters`)).catch(() => null)));
    if (stopped) return;
    const rows = links.map((link, index) => ({ link, counters: counters[index] ?? null }));
    rows.sort((a, b) => (b.counters?.total ?? -1) - (a.counters?.total ?? -1));
    fill(list, h('ul', { class: 'link-list' }, rows.map(({ link, counters: numbers }) => h('li', {},
      h('div', {},
        h('a', { href: `#/links/${encodeURIComponent(link.id)}` }, `/${link.slug}`),
        link.disabled ? [' ', badge('disabled', 'badge-bad')] : null,
        h('div', { class: 'target' }, link.targetUrl),
      ),
      h('div', { class: 'small' }, numbers
        ? [h('strong', {}, count(numbers.total)), ' clicks · ', count(numbers.today?.total), ' today']
        : h('span', { class: 'muted' }, 'no live counts')),
    ))));
  })().catch((error) => fill(list, h('p', { class: 'notice notice-error' }, `Links could not be loaded: ${error.message}`)));
  return () => {
    stopped = true;
  };
}
