// Signing in: a read key (or manage key) of an account, or the operator token. The key is tried
// against the API before it is kept; a wrong one is named as such, and a write key is told why it
// cannot read. The operator then chooses which account to look at.
import { ApiError, currentSession, getJson, saveSession, updateSession } from './api.js';
import { h, fill } from './dom.js';

/** What a key is: resolves `{ kind, accountId, accountName, scope }` or throws a message for people. */
async function identify(key) {
  try {
    const account = await getJson('/v1/account', { key });
    return { kind: 'key', accountId: account.id, accountName: account.name, scope: 'read' };
  } catch (error) {
    if (!(error instanceof ApiError)) throw new Error(`The server could not be reached (${error.message}).`, { cause: error });
    if (error.status === 401) throw new Error('That key was not accepted: it is unknown or has been revoked. Check that you copied all of it.', { cause: error });
    if (error.status === 403 && /operator token/.test(error.message)) return { kind: 'operator', accountId: null, accountName: null };
    if (error.status === 403 && /write key/.test(error.message)) throw new Error('That is a write key: it can send clicks but not read them. Sign in with a read key.', { cause: error });
    throw new Error(`Signing in failed: ${error.message}`, { cause: error });
  }
}

export function renderSignIn(main, { go }) {
  const message = h('div', { id: 'sign-in-message', role: 'alert', 'aria-live': 'assertive' });
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'api-key-hint sign-in-message',
  });
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'api-key' }, 'API key'),
      input,
      h('p', { class: 'hint', id: 'api-key-hint' }, 'A read key of your account, or the operator token. It is kept in this tab only and sent to this server alone.'),
    ),
    message,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === '') {
      fill(message, h('p', { class: 'notice notice-error' }, 'Enter an API key.'));
      input.focus();
      return;
    }
    button.disabled = true;
    fill(message, h('p', { class: 'muted' }, 'Checking the key…'));
    try {
      const session = await identify(key);
      saveSession(key, session);
      go(session.kind === 'operator' ? '/accounts' : '/');
    } catch (error) {
      fill(message, h('p', { class: 'notice notice-error' }, error.message));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h('div', { class: 'sign-in' },
    h('h1', {}, 'Sign in to clickflow'),
    h('p', { class: 'muted' }, 'Live counters, time series and breakdowns of your short links, and the health of the pipeline behind them.'),
    form,
  ));
  input.focus();
}

/** The operator token looks at one account at a time. */
export function renderAccountChoice(main, { go }) {
  const session = currentSession();
  if (session?.kind !== 'operator') return go('/');
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading accounts…'));
  fill(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Choose an account'), h('p', {}, 'The operator token may look at any account.'))),
    h('section', { class: 'card' }, list),
    h('p', {}, h('a', { href: '#/health' }, 'Or open the pipeline health page')),
  );
  getJson('/v1/accounts?limit=200').then((page) => {
    const accounts = page.items ?? [];
    if (accounts.length === 0) return fill(list, h('p', {}, 'There are no accounts yet.'));
    const choose = (account) => () => {
      updateSession({ accountId: account.id, accountName: account.name });
      go('/');
    };
    fill(list, h('ul', { class: 'link-list' }, accounts.map((account) => h('li', {},
      h('span', {}, h('strong', {}, account.name), ' ', h('span', { class: 'muted mono' }, account.id)),
      h('button', { type: 'button', class: 'button button-quiet', onclick: choose(account), 'aria-label': `Look at account ${account.name}` }, 'Open'),
    ))));
  }).catch((error) => fill(list, h('p', { class: 'notice notice-error' }, `Accounts could not be loaded: ${error.message}`)));
  return undefined;
}
