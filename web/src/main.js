// The console's shell: who is signed in, the navigation, and the page the
// location's hash names (#/workspaces/ID, #/jobs/ID, ...).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, post, setCsrfToken, onUnauthenticated } from './api.js';
import { html, can, link, go } from './ui.js';
import { SignIn } from './pages/signin.js';
import { Overview } from './pages/overview.js';
import { Workspaces, Workspace } from './pages/workspaces.js';
import { Application } from './pages/application.js';
import { Version, InstanceLog } from './pages/version.js';
import { JobPage } from './pages/job.js';
import { Nodes } from './pages/nodes.js';
import { Admin } from './pages/admin.js';
import { Profile } from './pages/profile.js';
import './style.css';

const routes = [
  [/^\/$/, Overview],
  [/^\/workspaces$/, Workspaces],
  [/^\/workspaces\/([0-9a-f-]+)$/, Workspace],
  [/^\/applications\/([0-9a-f-]+)$/, Application],
  [/^\/versions\/([0-9a-f-]+)$/, Version],
  [/^\/instances\/([0-9a-f-]+)\/log$/, InstanceLog],
  [/^\/jobs\/([0-9a-zA-Z-]+)$/, JobPage],
  [/^\/nodes$/, Nodes],
  [/^\/admin$/, Admin],
  [/^\/profile$/, Profile],
];

function currentPath() {
  const hash = window.location.hash.replace(/^#/, '');
  return hash === '' ? '/' : hash;
}

function useHashPath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const changed = () => setPath(currentPath());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return path;
}

function App() {
  const path = useHashPath();
  const [me, setMe] = useState(undefined);  // undefined: asking; null: signed out

  const refreshMe = () => get('/me').then((answer) => {
    setCsrfToken(answer.csrf_token);
    setMe(answer);
  }, () => setMe(null));
  useEffect(() => {
    onUnauthenticated(() => setMe(null));
    refreshMe();
  }, []);

  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null || path === '/signin') {
    return html`<${SignIn} onSignedIn=${() => refreshMe().then(() => { if (currentPath() === '/signin') go('/'); })} />`;
  }
  const signOut = async () => {
    try { await post('/logout'); } finally { setCsrfToken(''); setMe(null); go('/signin'); }
  };
  let page = html`<p>No such page: ${path}</p>`;
  for (const [pattern, Page] of routes) {
    const m = path.match(pattern);
    if (m) {
      page = html`<${Page} key=${path} me=${me} params=${m.slice(1)} />`;
      break;
    }
  }
  const admin = ['USER_LIST', 'ROLE_LIST', 'SYSTEM_ADMINISTRATION'].some((p) => can(me, p));
  const name = me.user ? me.user.login : 'super token';
  return html`
    <header>
      <a class="brand" href=${link('/')}>Paasmaker</a>
      <nav>
        <a href=${link('/')}>Overview</a>
        <a href=${link('/workspaces')}>Workspaces</a>
        ${can(me, 'NODE_LIST') && html`<a href=${link('/nodes')}>Nodes</a>`}
        ${admin && html`<a href=${link('/admin')}>Administration</a>`}
      </nav>
      <span class="who">
        ${me.user && html`<a href=${link('/profile')} data-test="profile">${name}</a>`}
        <button class="link" onClick=${signOut} data-test="sign-out">Sign out</button>
      </span>
    </header>
    <main>${page}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
