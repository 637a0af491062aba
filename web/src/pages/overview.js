import { get } from '../api.js';
import { html, can, useLoad, link, ago, State, ErrorBox } from '../ui.js';
import { TrafficGraph } from '../graph.js';
import { JobList } from './jobs_list.js';
import { HealthRuns } from './nodes.js';

function NodeSummary() {
  const { data, error } = useLoad(() => get('/nodes'), []);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return null;
  const counts = {};
  for (const node of data.nodes) {
    for (const role of node.roles) {
      counts[role] = counts[role] || {};
      counts[role][node.state] = (counts[role][node.state] || 0) + 1;
    }
  }
  return html`<section><h2>Nodes</h2>
    <table><thead><tr><th>Role</th><th>States</th></tr></thead><tbody>
      ${Object.entries(counts).map(([role, states]) => html`<tr><td>${role}</td><td>
        ${Object.entries(states).map(([state, n]) => html`<span class="count">${n} <${State} state=${state} /></span>`)}
      </td></tr>`)}
    </tbody></table>
    <a href=${link('/nodes')}>All nodes</a></section>`;
}

function HealthSummary() {
  const { data, error } = useLoad(() => get('/health/history?limit=10&only_actions=true'), []);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return null;
  return html`<section><h2>Recent health actions</h2><${HealthRuns} runs=${data.runs} /></section>`;
}

function Applications({ workspaces }) {
  const { data } = useLoad(() => Promise.all(workspaces.map((w) =>
    get(`/workspaces/${w.id}/applications`).then((a) => a.applications.map((app) => ({ ...app, workspace: w }))))),
  [workspaces.map((w) => w.id).join()]);
  if (!data) return null;
  const apps = data.flat();
  return html`<section><h2>Applications</h2>
    ${apps.length === 0 ? html`<p>No applications yet.</p>` : html`<table><thead><tr>
      <th>Application</th><th>Workspace</th><th>Current version</th></tr></thead><tbody>
      ${apps.map((a) => html`<tr><td><a href=${link('/applications/' + a.application_id)}>${a.name}</a></td>
        <td>${a.workspace.name}</td><td>${a.current_version || '—'}</td></tr>`)}
    </tbody></table>`}</section>`;
}

export function Overview({ me }) {
  const { data, error } = useLoad(() => get('/workspaces'), []);
  const workspaces = data ? data.workspaces : [];
  return html`<h1>Overview</h1>
    <${ErrorBox} error=${error} />
    <div class="columns">
      ${can(me, 'NODE_LIST') && html`<${NodeSummary} />`}
      <${Applications} workspaces=${workspaces} />
    </div>
    ${workspaces.map((w) => html`<${TrafficGraph} kind="workspace" id=${w.id} title=${'Requests in ' + w.name} />`)}
    ${workspaces.map((w) => html`<section><h2>Recent jobs in ${w.name}</h2>
      <${JobList} tag=${'workspace:' + w.id} limit=${5} /></section>`)}
    ${can(me, 'SYSTEM_OVERVIEW') && html`<${HealthSummary} />`}`;
}
