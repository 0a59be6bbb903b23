// The dashboard's entry: routes in the URL fragment (#/sign-in, #/, #/links/<id>, #/account,
// #/health) to a page, each of which renders into <main> and returns a function that stops its
// streams and timers when another page opens.
/* global document, window */
import { currentSession, signOut } from './api.js';
import { h, fill } from './dom.js';
import { renderSignIn, renderAccountChoice } from './sign-in-page.js';
import { renderLinks } from './links-page.js';
import { renderLink } from './link-page.js';
import { renderAccount } from './account-page.js';
import { renderHealth } from './health-page.js';

const main = document.getElementById('main');
let leave = () => undefined;

const routes = [
  { pattern: /^\/sign-in$/, nav: null, title: 'Sign in', render: renderSignIn, public: true },
  { pattern: /^\/accounts$/, nav: null, title: 'Choose an account', render: renderAccountChoice },
  { pattern: /^\/?$/, nav: 'links', title: 'Links', render: renderLinks, needsAccount: true },
  { pattern: /^\/links\/([^/]+)$/, nav: 'links', title: 'Link', render: renderLink, needsAccount: true },
  { pattern: /^\/account$/, nav: 'account', title: 'Account', render: renderAccount, needsAccount: true },
  { pattern: /^\/health$/, nav: 'health', title: 'Pipeline health', render: renderHealth },
];

export function go(path) {
  if (window.location.hash === `#${path}`) route();
  else window.location.hash = `#${path}`;
}

function showSession(session) {
  document.getElementById('main-nav').hidden = !session;
  document.getElementById('session').hidden = !session;
  if (!session) return;
  const who = session.kind === 'operator'
    ? `Operator${session.accountName ? ` · ${session.accountName}` : ''}`
    : `${session.accountName ?? session.accountId} · ${session.scope ?? 'read'} key`;
  fill(document.getElementById('session-who'), who);
}

function route() {
  leave();
  leave = () => undefined;
  const path = decodeURIComponent(window.location.hash.replace(/^#/, '')) || '/';
  const session = currentSession();
  const found = routes.find((candidate) => candidate.pattern.test(path));
  if (!session && !found?.public) return go('/sign-in');
  if (session && found?.needsAccount && session.kind === 'operator' && !session.accountId) return go('/accounts');
  showSession(session);
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (found && link.dataset.nav === found.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!found) {
    fill(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Back to your links')));
    return;
  }
  document.title = `${found.title} · clickflow`;
  const params = found.pattern.exec(path).slice(1);
  fill(main);
  const cleanup = found.render(main, { params, go, session });
  leave = typeof cleanup === 'function' ? cleanup : () => undefined;
  // Moves focus to the new page for keyboard and screen reader users, without scrolling.
  if (document.activeElement && document.activeElement !== document.body && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  go('/sign-in');
});
window.addEventListener('hashchange', route);
route();
