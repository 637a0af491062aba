import { useState } from 'preact/hooks';
import { zip } from 'fflate';
import { get, post, uploadFile } from '../api.js';
import { html, can, useLoad, link, go, ErrorBox } from '../ui.js';
import { JobList } from './jobs_list.js';
import { TrafficGraph } from '../graph.js';

export function Workspaces({ me }) {
  const { data, error, reload } = useLoad(() => get('/workspaces'), []);
  const [name, setName] = useState('');
  const [stub, setStub] = useState('');
  const [createError, setCreateError] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setCreateError(null);
    try {
      await post('/workspaces', { name, stub });
      setName('');
      setStub('');
      reload();
    } catch (err) { setCreateError(err); }
  };
  return html`<h1>Workspaces</h1>
    <${ErrorBox} error=${error} />
    ${data && html`<table><thead><tr><th>Name</th><th>Stub</th></tr></thead><tbody>
      ${data.workspaces.map((w) => html`<tr><td><a href=${link('/workspaces/' + w.id)}>${w.name}</a></td>
        <td>${w.stub}</td></tr>`)}</tbody></table>`}
    ${can(me, 'WORKSPACE_EDIT') && html`<form class="inline" onSubmit=${create}>
      <h3>New workspace</h3>
      <input placeholder="Name" value=${name} onInput=${(e) => setName(e.target.value)} required />
      <input placeholder="stub" value=${stub} onInput=${(e) => setStub(e.target.value)} required />
      <button type="submit">Create</button><${ErrorBox} error=${createError} /></form>`}`;
}

// A directory the user picked (its files carry webkitRelativePath
// "dir/sub/file"), zipped in the browser with its top folder stripped, so
// its manifest.yml is at the archive's root, as the zip SCM expects.
async function zipDirectory(files) {
  const entries = {};
  let top = '';
  for (const file of files) {
    const relative = file.webkitRelativePath || file.name;
    top = relative.split('/')[0];
    const inside = relative.slice(relative.indexOf('/') + 1);
    entries[inside] = new Uint8Array(await file.arrayBuffer());
  }
  const bytes = await new Promise((resolve, reject) =>
    zip(entries, { level: 6 }, (error, data) => (error ? reject(error) : resolve(data))));
  return new File([bytes], (top || 'source') + '.zip', { type: 'application/zip' });
}

// Deploy a new version: an archive (.tar.gz, .zip, ...), a directory
// (zipped here), or a git URL and branch. Opens the prepare tree's live page.
function DeployForm({ workspaceId }) {
  const [mode, setMode] = useState('upload');
  const [file, setFile] = useState(null);
  const [directory, setDirectory] = useState(null);
  const [url, setUrl] = useState('');
  const [branch, setBranch] = useState('');
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      let scm;
      if (mode === 'upload' || mode === 'directory') {
        let archive = file;
        if (mode === 'directory') {
          if (!directory || directory.length === 0) throw new Error('choose a directory to upload');
          archive = await zipDirectory(directory);
        }
        if (!archive) throw new Error('choose an archive to upload');
        const uploadId = await uploadFile(archive, (sent, total) => setProgress(total ? sent / total : 1));
        const plugin = archive.name.endsWith('.zip') ? 'paasmaker.scm.zip' : 'paasmaker.scm.tarball';
        scm = { plugin, parameters: { upload_id: uploadId } };
      } else {
        scm = { plugin: 'paasmaker.scm.git', parameters: { location: url, ...(branch ? { branch } : {}) } };
      }
      const answer = await post(`/workspaces/${workspaceId}/applications`, { scm });
      go('/jobs/' + answer.job_id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="deploy" onSubmit=${submit} data-test="deploy-form">
    <h3>Deploy a new version</h3>
    <label><input type="radio" name="mode" value="upload" checked=${mode === 'upload'}
      onChange=${() => setMode('upload')} />
      Upload an archive</label>
    <label><input type="radio" name="mode" value="directory" checked=${mode === 'directory'}
      onChange=${() => setMode('directory')} /> Upload a directory (zipped here)</label>
    <label><input type="radio" name="mode" value="git" checked=${mode === 'git'} onChange=${() => setMode('git')} />
      Git repository</label>
    ${mode === 'upload' && html`<input type="file" name="archive" accept=".tar.gz,.tgz,.tar.bz2,.tar.xz,.zip"
        onChange=${(e) => setFile(e.target.files[0])} />`}
    ${mode === 'directory' && html`<input type="file" name="directory" webkitdirectory multiple
        onChange=${(e) => setDirectory(Array.from(e.target.files))} />`}
    ${mode === 'git' && html`<input placeholder="git URL" value=${url} onInput=${(e) => setUrl(e.target.value)} required />
        <input placeholder="branch (optional)" value=${branch} onInput=${(e) => setBranch(e.target.value)} />`}
    ${progress != null && html`<progress max="1" value=${progress} data-test="upload-progress"></progress>`}
    <button type="submit" disabled=${busy}>Deploy</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

export function Workspace({ me, params: [id] }) {
  const workspace = useLoad(() => get('/workspaces/' + id), [id]);
  const apps = useLoad(() => get(`/workspaces/${id}/applications`), [id]);
  const w = workspace.data && workspace.data.workspace;
  return html`<h1>${w ? w.name : 'Workspace'}</h1>
    <${ErrorBox} error=${workspace.error || apps.error} />
    ${apps.data && html`<section><h2>Applications</h2>
      ${apps.data.applications.length === 0 ? html`<p>No applications yet.</p>` : html`<table><thead><tr>
        <th>Application</th><th>Current version</th></tr></thead><tbody>
        ${apps.data.applications.map((a) => html`<tr><td><a href=${link('/applications/' + a.application_id)}>
          ${a.name}</a></td><td>${a.current_version || '—'}</td></tr>`)}</tbody></table>`}</section>`}
    ${can(me, 'APPLICATION_DEPLOY', id) && html`<${DeployForm} workspaceId=${id} />`}
    <${TrafficGraph} kind="workspace" id=${id} />
    <section><h2>Jobs</h2><${JobList} tag=${'workspace:' + id} /></section>`;
}
