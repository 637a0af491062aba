import { useState } from 'preact/hooks';
import { get, post, del } from '../api.js';
import { html, can, useLoad, ErrorBox } from '../ui.js';

function useForm(initial) {
  const [values, setValues] = useState(initial);
  const field = (name, props = {}) => html`<input name=${name} placeholder=${props.placeholder || name}
    type=${props.type || 'text'} value=${values[name]} required=${props.required !== false}
    onInput=${(e) => setValues((v) => ({ ...v, [name]: e.target.value }))} />`;
  return { values, field, reset: () => setValues(initial) };
}

// Name and email of a user, edited in place.
function EditUser({ user, done }) {
  const [name, setName] = useState(user.name || '');
  const [email, setEmail] = useState(user.email || '');
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    try { await post('/users/' + user.id, { name, email }); done(); } catch (err) { setError(err); }
  };
  return html`<form class="inline" onSubmit=${save}>
    <input value=${name} placeholder="name" onInput=${(e) => setName(e.target.value)} />
    <input value=${email} placeholder="email" onInput=${(e) => setEmail(e.target.value)} />
    <button type="submit">Save</button><${ErrorBox} error=${error} /></form>`;
}

function Users({ me }) {
  const users = useLoad(() => get('/users'), []);
  const form = useForm({ login: '', name: '', email: '', password: '' });
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [editing, setEditing] = useState(null);
  const editable = can(me, 'USER_EDIT');
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const answer = await post('/users', form.values);
      setCreated(answer.user);
      form.reset();
      users.reload();
    } catch (err) { setError(err); }
  };
  const setEnabled = async (user, enabled) => {
    try { await post('/users/' + user.id, { enabled }); users.reload(); } catch (err) { setError(err); }
  };
  return html`<section><h2>Users</h2><${ErrorBox} error=${users.error || error} />
    ${users.data && html`<table data-test="users"><thead><tr><th>Login</th><th>Name</th><th>Email</th><th>Enabled</th>
      <th></th></tr></thead><tbody>${users.data.users.map((u) => html`<tr>
        <td>${u.login}</td>
        ${editing === u.id
    ? html`<td colspan="2"><${EditUser} user=${u} done=${() => { setEditing(null); users.reload(); }} /></td>`
    : html`<td>${u.name}</td><td>${u.email}</td>`}
        <td>${u.enabled ? 'yes' : 'no'}</td>
        <td>${editable && editing !== u.id && html`<button onClick=${() => setEditing(u.id)}>Edit</button>`}
          ${editable && (u.enabled
          ? html`<button onClick=${() => setEnabled(u, false)}>Disable</button>`
          : html`<button onClick=${() => setEnabled(u, true)}>Enable</button>`)}</td></tr>`)}
      </tbody></table>`}
    ${editable && html`<form class="inline" onSubmit=${create}><h3>New user</h3>
      ${form.field('login')} ${form.field('name', { required: false })} ${form.field('email', { required: false })}
      ${form.field('password', { type: 'password' })}<button type="submit">Create</button></form>`}
    ${created && html`<p class="notice">Created ${created.login}; API key (shown once): <code>${created.api_key}</code></p>`}
  </section>`;
}

// A role's permissions, edited in place (comma or space separated).
function EditRole({ role, done }) {
  const [text, setText] = useState(role.permissions.join(', '));
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    try {
      await post('/roles/' + role.id, { name: role.name, permissions: text.split(/[\s,]+/).filter(Boolean) });
      done();
    } catch (err) { setError(err); }
  };
  return html`<form class="inline" onSubmit=${save}>
    <input name="permissions" value=${text} size="60" onInput=${(e) => setText(e.target.value)} />
    <button type="submit">Save</button><${ErrorBox} error=${error} /></form>`;
}

function Roles({ me }) {
  const roles = useLoad(() => get('/roles'), []);
  const allocations = useLoad(() => get('/roles/allocations'), []);
  const users = useLoad(() => (can(me, 'USER_LIST') ? get('/users') : Promise.resolve({ users: [] })), []);
  const workspaces = useLoad(() => get('/workspaces'), []);
  const [error, setError] = useState(null);
  const form = useForm({ name: '', permissions: '' });
  const [allocation, setAllocation] = useState({ user_id: '', role_id: '', workspace_id: '' });
  const [editing, setEditing] = useState(null);
  const editable = can(me, 'ROLE_EDIT');
  const assignable = can(me, 'ROLE_ASSIGN');
  const createRole = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const permissions = form.values.permissions.split(/[\s,]+/).filter(Boolean);
      await post('/roles', { name: form.values.name, permissions });
      form.reset();
      roles.reload();
    } catch (err) { setError(err); }
  };
  const allocate = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { user_id: allocation.user_id, role_id: allocation.role_id };
      if (allocation.workspace_id) body.workspace_id = allocation.workspace_id;
      await post('/roles/allocations', body);
      allocations.reload();
    } catch (err) { setError(err); }
  };
  const unallocate = async (a) => {
    try { await del('/roles/allocations/' + a.id); allocations.reload(); } catch (err) { setError(err); }
  };
  const pick = (name, list, label, value, text) => html`<select name=${name} value=${allocation[name]}
    onChange=${(e) => setAllocation((a) => ({ ...a, [name]: e.target.value }))}>
    <option value="">${label}</option>${list.map((x) => html`<option value=${value(x)}>${text(x)}</option>`)}</select>`;
  return html`<section><h2>Roles</h2><${ErrorBox} error=${roles.error || error} />
    ${roles.data && html`<table data-test="roles"><thead><tr><th>Role</th><th>Permissions</th><th></th></tr></thead>
      <tbody>${roles.data.roles.map((r) => html`<tr><td>${r.name}</td>
        <td>${editing === r.id ? html`<${EditRole} role=${r} done=${() => { setEditing(null); roles.reload(); }} />`
          : r.permissions.join(', ')}</td>
        <td>${editable && editing !== r.id && html`<button onClick=${() => setEditing(r.id)}>Edit</button>`}</td></tr>`)}
    </tbody></table>`}
    ${editable && html`<form class="inline" onSubmit=${createRole}><h3>New role</h3>
      ${form.field('name')} ${form.field('permissions', { placeholder: 'permissions, comma separated' })}
      <button type="submit">Create</button></form>`}
    <h2>Allocations</h2>
    ${allocations.data && html`<table data-test="allocations"><thead><tr><th>User</th><th>Role</th><th>Workspace</th>
      <th></th></tr></thead><tbody>${allocations.data.allocations.map((a) => html`<tr><td>${a.login}</td>
        <td>${a.role_name || a.role_id}</td><td>${a.workspace_name || a.workspace_id || 'all workspaces'}</td>
        <td>${assignable && html`<button onClick=${() => unallocate(a)}>Remove</button>`}</td></tr>`)}
    </tbody></table>`}
    ${assignable && roles.data && users.data && workspaces.data && html`<form class="inline" onSubmit=${allocate}>
      <h3>Allocate a role</h3>
      ${pick('user_id', users.data.users, 'user…', (u) => u.id, (u) => u.login)}
      ${pick('role_id', roles.data.roles, 'role…', (r) => r.id, (r) => r.name)}
      ${pick('workspace_id', workspaces.data.workspaces, 'all workspaces', (w) => w.id, (w) => w.name)}
      <button type="submit">Allocate</button></form>`}
  </section>`;
}

function RoutingTable() {
  const { data, error } = useLoad(() => get('/router/table'), []);
  return html`<section><h2>Routing table</h2><${ErrorBox} error=${error} />
    ${data && html`<pre data-test="routing-table">${JSON.stringify(data, null, 2)}</pre>`}</section>`;
}

export function Admin({ me }) {
  return html`<h1>Administration</h1>
    ${can(me, 'USER_LIST') && html`<${Users} me=${me} />`}
    ${can(me, 'ROLE_LIST') && html`<${Roles} me=${me} />`}
    ${can(me, 'SYSTEM_ADMINISTRATION') && html`<${RoutingTable} />`}`;
}
