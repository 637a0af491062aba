import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, readLog } from '../api.js';
import { html, can, useLoad, useEvery, link, go, ago, State, ErrorBox } from '../ui.js';
import { TrafficGraph } from '../graph.js';
import { TerminalText } from '../terminal.js';
import { VersionActions } from './application.js';

function Quantity({ type, allowed }) {
  const [value, setValue] = useState(type.quantity);
  const [error, setError] = useState(null);
  if (!allowed) return html`<span>${type.quantity}</span>`;
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const answer = await post(`/instance-types/${type.instance_type_id}/quantity`, { quantity: Number(value) });
      if (answer.job_id) go('/jobs/' + answer.job_id);
    } catch (err) { setError(err); }
  };
  return html`<form class="inline" onSubmit=${submit} data-test="quantity-form">
    <input type="number" min="0" name="quantity" value=${value} onInput=${(e) => setValue(e.target.value)} />
    <button type="submit">Set quantity</button><${ErrorBox} error=${error} /></form>`;
}

export function Version({ me, params: [id] }) {
  const { data, error, reload } = useLoad(() => get('/versions/' + id), [id]);
  useEvery(2000, () => reload(), [id]);
  const appId = data ? data.version.application_id : '';
  const app = useLoad(() => (appId ? get('/applications/' + appId) : Promise.resolve(null)), [appId]);
  if (error && !data) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">Loading…</p>`;
  const v = data.version;
  const ws = app.data && app.data.application.workspace_id;
  return html`<h1>${app.data ? app.data.application.name : ''} version ${v.number}</h1>
    <p><a href=${link('/applications/' + v.application_id)}>Application</a> · <${State} state=${v.state} />
      ${v.is_current ? ' · current' : ''}</p>
    ${ws && html`<${VersionActions} me=${me} version=${v} workspaceId=${ws} />`}
    ${data.instance_types.map((t) => html`<section data-test="instance-type"><h2>${t.name}</h2>
      <p>Runtime ${t.runtime.plugin} ${t.runtime.version} · hostnames ${t.hostnames.join(', ') || '—'}</p>
      <p>Quantity: <${Quantity} type=${t} allowed=${ws && can(me, 'APPLICATION_DEPLOY', ws)} /></p>
      <table data-test="instances"><thead><tr><th>Instance</th><th>State</th><th>Node</th><th>Port</th>
        <th>Restarts</th><th>Changed</th><th>Log</th></tr></thead><tbody>
        ${t.instances.map((i) => html`<tr data-instance=${i.instance_id}><td>${i.instance_id.slice(0, 8)}</td>
          <td><${State} state=${i.state} /></td><td>${i.node_name}</td><td>${i.port}</td><td>${i.restarts}</td>
          <td>${ago(i.changed)}</td><td><a href=${link('/instances/' + i.instance_id + '/log')}>log</a></td></tr>`)}
      </tbody></table></section>`)}
    <${TrafficGraph} kind="version" id=${id} />
    <section><h2>Manifest</h2><pre>${data.manifest}</pre></section>`;
}

// A log that grows: polled from its offset, shown at the bottom until the
// reader scrolls up (then left where they are until they come back down).
export function useFollowedLog(path) {
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const offset = useRef(0);
  useEvery(1000, async () => {
    try {
      const piece = await readLog(path, offset.current);
      offset.current = piece.next;
      if (piece.text) setText((t) => t + piece.text);
      setError(null);
    } catch (e) { setError(e); }
  }, [path]);
  return { text, error };
}

export function FollowBox({ text, testName }) {
  const box = useRef(null);
  const follow = useRef(true);
  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  const scrolled = () => {
    const b = box.current;
    follow.current = b.scrollHeight - b.scrollTop - b.clientHeight < 30;
  };
  return html`<div class="terminal" ref=${box} onScroll=${scrolled} data-test=${testName}>
    <${TerminalText} text=${text} /></div>`;
}

export function InstanceLog({ params: [id] }) {
  const instance = useLoad(() => get('/instances/' + id), [id]);
  const { text, error } = useFollowedLog('/instances/' + id + '/log');
  const i = instance.data && (instance.data.instance || instance.data);
  return html`<h1>Instance ${id.slice(0, 8)}</h1>
    ${i && i.version_id && html`<p><a href=${link('/versions/' + i.version_id)}>Version</a> ·
      <${State} state=${i.state} /> on ${i.node_name}</p>`}
    <${ErrorBox} error=${error} />
    <${FollowBox} text=${text} testName="instance-log" />`;
}
