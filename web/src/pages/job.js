// A job tree, live: the job stream's events change states in place and
// append each job's log (the stream resumes where it was after a drop, so
// nothing is shown twice). Logs follow at the bottom until the reader
// scrolls up.
import { useEffect, useState } from 'preact/hooks';
import { get, post, stream } from '../api.js';
import { html, can, link, State, ErrorBox } from '../ui.js';
import { FollowBox } from './version.js';

const FINISHED = ['SUCCESS', 'FAILED', 'ABORTED'];

function JobNode({ job, jobs, logs, open, toggle }) {
  const children = Object.values(jobs).filter((j) => j.parent_id === job.job_id);
  const shown = open[job.job_id] ?? (job.state === 'RUNNING' || job.state === 'FAILED');
  const log = logs[job.job_id] || '';
  return html`<li class="job" data-job=${job.job_id} data-state=${job.state}>
    <div class="job-line">
      <${State} state=${job.state} />
      <span class="title">${job.title}</span>
      ${job.summary && html`<span class="summary">${job.summary}</span>`}
      ${log && html`<button class="link" onClick=${() => toggle(job.job_id, !shown)}>
        ${shown ? 'hide log' : 'show log'}</button>`}
    </div>
    ${shown && log && html`<${FollowBox} text=${log} testName="job-log" />`}
    ${children.length > 0 && html`<ul>${children.map((c) =>
      html`<${JobNode} job=${c} jobs=${jobs} logs=${logs} open=${open} toggle=${toggle} />`)}</ul>`}
  </li>`;
}

export function JobPage({ me, params: [id] }) {
  const [jobs, setJobs] = useState({});
  const [logs, setLogs] = useState({});
  const [open, setOpen] = useState({});
  const [end, setEnd] = useState(null);
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    get('/jobs/' + id).then(setInfo, setError);
    const source = stream(`/jobs/${id}/stream`, (event) => {
      if (event.type === 'status') {
        setJobs((all) => ({ ...all, [event.job_id]: { ...(all[event.job_id] || {}), ...event } }));
      } else if (event.type === 'log') {
        setLogs((all) => ({ ...all, [event.job_id]: (all[event.job_id] || '') + event.text }));
      } else if (event.type === 'end') {
        setEnd(event.root_state);
        source.close();
        get('/jobs/' + id).then(setInfo, () => {});
      } else if (event.type === 'error') {
        setError(new Error(event.message));
      }
    });
    return () => source.close();
  }, [id]);

  const rootId = info ? info.root_id : null;
  const root = Object.values(jobs).find((j) => !j.parent_id || j.job_id === rootId);
  const tags = info && info.job ? info.job.tags || [] : [];
  const workspaceTag = tags.find((t) => t.startsWith('workspace:'));
  const workspaceId = workspaceTag ? workspaceTag.slice('workspace:'.length) : '';
  const running = root && !FINISHED.includes(root.state);
  const abort = async () => {
    try { await post(`/jobs/${rootId || id}/abort`); } catch (e) { setError(e); }
  };
  // The version and application the tree is about: what a prepare tree
  // made (its context), or the tags of a lifecycle tree.
  const tagged = (prefix) => {
    const tag = tags.find((t) => t.startsWith(prefix));
    return tag ? tag.slice(prefix.length) : undefined;
  };
  const given = info ? info.context || {} : {};
  const context = {
    version_id: given.version_id || tagged('application_version:'),
    application_id: given.application_id || tagged('application:'),
  };
  return html`<h1>${root ? root.title : 'Job ' + id}</h1>
    <p class="job-status" data-test="job-status">${root && html`<${State} state=${root.state} />`}
      ${end && html` finished: <span data-test="job-end">${end}</span>`}</p>
    ${running && can(me, 'JOB_ABORT', workspaceId) && html`<button class="danger" onClick=${abort}>Abort</button>`}
    ${context.version_id && html`<p><a href=${link('/versions/' + context.version_id)} data-test="job-version">
      The version this job made</a></p>`}
    ${context.application_id && html`<p><a href=${link('/applications/' + context.application_id)}
      data-test="job-application">Its application</a></p>`}
    <${ErrorBox} error=${error} />
    ${root && html`<ul class="tree" data-test="job-tree"><${JobNode} job=${root} jobs=${jobs} logs=${logs} open=${open}
      toggle=${(jobId, value) => setOpen((o) => ({ ...o, [jobId]: value }))} /></ul>`}`;
}
