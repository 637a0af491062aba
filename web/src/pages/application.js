import { get, post, del } from '../api.js';
import { html, can, useLoad, useEvery, link, when, bytes, State, ErrorBox, JobButton } from '../ui.js';
import { TrafficGraph } from '../graph.js';
import { JobList } from './jobs_list.js';

// The actions a version's state allows (the API refuses the others anyway).
export function VersionActions({ me, version, workspaceId }) {
  const deploy = can(me, 'APPLICATION_DEPLOY', workspaceId);
  const routing = can(me, 'APPLICATION_ROUTING', workspaceId);
  const remove = can(me, 'APPLICATION_DELETE', workspaceId);
  if (!deploy && !routing && !remove) return null;
  const act = (action) => () => post(`/versions/${version.version_id}/${action}`);
  const s = version.state;
  return html`<span class="actions" data-test="version-actions">
    ${deploy && (s === 'PREPARED' || s === 'READY') && html`<${JobButton} label="Register" run=${act('register')} />`}
    ${deploy && s !== 'RUNNING' && html`<${JobButton} label="Start" run=${act('start')} />`}
    ${routing && s === 'RUNNING' && !version.is_current &&
      html`<${JobButton} label="Make current" run=${act('current')} />`}
    ${deploy && s === 'RUNNING' && html`<${JobButton} label="Stop" run=${act('stop')} />`}
    ${deploy && (s === 'READY' || s === 'RUNNING') && html`<${JobButton} label="Deregister" run=${act('deregister')} />`}
    ${remove && !version.is_current && s !== 'RUNNING' &&
      html`<${JobButton} label="Delete" danger confirmText=${'Delete version ' + version.number + '?'}
        run=${() => del('/versions/' + version.version_id)} />`}
  </span>`;
}

// A running version's instances, each one click from its live log.
function InstanceLinks({ versionId }) {
  const { data, reload } = useLoad(() => get(`/versions/${versionId}/instances`), [versionId]);
  useEvery(3000, () => reload(), [versionId]);
  if (!data) return null;
  return html`<span data-test="instance-links">${data.instances.map((i) => html`<a class="tag"
    href=${link('/instances/' + i.instance_id + '/log')} title=${i.state + ' on ' + i.node_name}>
    log ${i.instance_id.slice(0, 8)}</a>`)}</span>`;
}

export function Application({ me, params: [id] }) {
  const { data, error, reload } = useLoad(() => get('/applications/' + id), [id]);
  useEvery(3000, () => reload(), [id]);
  if (error && !data) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">Loading…</p>`;
  const app = data.application;
  const ws = app.workspace_id;
  return html`<h1>${app.name}</h1>
    <p><a href=${link('/workspaces/' + ws)}>Workspace</a> · created ${when(app.created)}</p>
    <section><h2>Versions</h2><table data-test="versions"><thead><tr><th>Version</th><th>State</th><th>Current</th>
      <th>Source</th><th>Package</th><th>Created</th><th>Instances</th><th></th></tr></thead><tbody>
      ${data.versions.map((v) => html`<tr data-version=${v.number}>
        <td><a href=${link('/versions/' + v.version_id)}>${v.number}</a></td><td><${State} state=${v.state} /></td>
        <td>${v.is_current ? 'current' : ''}</td><td>${v.source && v.source.plugin}</td>
        <td>${bytes(v.package_size)}</td><td>${when(v.created)}</td>
        <td>${v.state === 'RUNNING' && html`<${InstanceLinks} versionId=${v.version_id} />`}</td>
        <td><${VersionActions} me=${me} version=${v} workspaceId=${ws} /></td></tr>`)}
    </tbody></table></section>
    <section><h2>Services</h2>${data.services.length === 0 ? html`<p>None.</p>` : html`<ul>
      ${data.services.map((s) => html`<li>${s.name} (${s.plugin})</li>`)}</ul>`}</section>
    <${TrafficGraph} kind="application" id=${id} />
    <section><h2>Jobs</h2><${JobList} tag=${'application:' + id} /></section>
    ${can(me, 'APPLICATION_DELETE', ws) && html`<section class="danger-zone"><${JobButton} label="Delete application"
      danger confirmText=${'Delete ' + app.name + ' and all its versions?'}
      run=${() => del('/applications/' + id)} /></section>`}`;
}

