import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { html, can, useLoad, useEvery, link, ago, bytes, State, ErrorBox } from '../ui.js';

// Health runs (GET /health/history): what the health manager did and why.
export function HealthRuns({ runs }) {
  if (!runs || runs.length === 0) return html`<p>No health actions.</p>`;
  return html`<table><thead><tr><th>Run</th><th>State</th><th>When</th><th>Actions</th></tr></thead><tbody>
    ${runs.map((r) => html`<tr><td><a href=${link('/jobs/' + r.job_id)}>${r.title}</a></td>
      <td><${State} state=${r.state} /></td><td>${ago(r.started)}</td>
      <td>${r.actions.length === 0 ? '—' : html`<ul>${r.actions.map((a) =>
        html`<li><${State} state=${a.state} /> ${a.summary}</li>`)}</ul>`}</td></tr>`)}
  </tbody></table>`;
}

// The instances on a node (GET /nodes/ID), read when asked for.
function NodeInstances({ uuid }) {
  const { data, error } = useLoad(() => get('/nodes/' + uuid), [uuid]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<span>…</span>`;
  if (data.instances.length === 0) return html`<span>none</span>`;
  return html`<ul data-test="node-instances">${data.instances.map((i) => html`<li>
    <a href=${link('/versions/' + i.version_id)}>${i.instance_id.slice(0, 8)}</a> <${State} state=${i.state} />
    ${i.port ? ' port ' + i.port : ''}</li>`)}</ul>`;
}

function InstancesCell({ me, node }) {
  const [open, setOpen] = useState(false);
  if (!node.roles.includes('heart') || !can(me, 'NODE_DETAIL_VIEW')) return html`<span>—</span>`;
  return open ? html`<${NodeInstances} uuid=${node.uuid} />`
    : html`<button class="link" onClick=${() => setOpen(true)}>show</button>`;
}

export function Nodes({ me }) {
  const nodes = useLoad(() => get('/nodes'), []);
  useEvery(3000, () => nodes.reload(), []);
  const health = useLoad(() => (can(me, 'SYSTEM_OVERVIEW') ? get('/health/history?limit=20&only_actions=true') : Promise.resolve(null)), []);
  return html`<h1>Nodes</h1>
    <${ErrorBox} error=${nodes.error} />
    ${nodes.data && html`<table data-test="nodes"><thead><tr><th>Name</th><th>Roles</th><th>State</th>
      <th>Last report</th><th>Score</th><th>Address</th><th>Tags</th><th>Runtimes</th><th>Memory free</th><th>Instances</th></tr></thead>
      <tbody>${nodes.data.nodes.map((n) => html`<tr>
        <td>${n.name}</td><td>${n.roles.join(', ')}</td><td><${State} state=${n.state} /></td>
        <td>${ago(n.last_heard)}</td><td>${n.score == null ? '—' : n.score.toFixed(2)}</td>
        <td>${n.route}:${n.api_port}</td>
        <td>${Object.entries(n.tags || {}).map(([k, v]) => html`<span class="tag">${k}=${v}</span>`)}</td>
        <td>${Object.entries(n.runtimes || {}).map(([k, v]) => html`<div>${k} ${v.join(', ')}</div>`)}</td>
        <td>${n.stats && n.stats.memory ? bytes(n.stats.memory.available) : '—'}</td>
        <td><${InstancesCell} me=${me} node=${n} /></td></tr>`)}
      </tbody></table>`}
    ${health.data && html`<section><h2>Health actions</h2><${HealthRuns} runs=${health.data.runs} /></section>`}`;
}
