import { get } from '../api.js';
import { html, useLoad, useEvery, link, ago, State, ErrorBox } from '../ui.js';

// The newest job trees with a tag (workspace:ID, application:ID), refreshed.
export function JobList({ tag, limit = 10 }) {
  const { data, error, reload } = useLoad(() => get(`/jobs?tag=${encodeURIComponent(tag)}&limit=${limit}`), [tag]);
  useEvery(3000, () => reload(), [tag]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return null;
  if (data.jobs.length === 0) return html`<p>No jobs yet.</p>`;
  return html`<table class="jobs"><tbody>${data.jobs.map((j) => html`<tr>
    <td><a href=${link('/jobs/' + j.job_id)}>${j.title}</a></td><td><${State} state=${j.state} /></td>
    <td>${j.summary}</td><td>${ago(j.created)}</td></tr>`)}</tbody></table>`;
}
