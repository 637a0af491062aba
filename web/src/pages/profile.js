import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { html, ErrorBox } from '../ui.js';

export function Profile({ me }) {
  const [key, setKey] = useState(null);
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const resetKey = async () => {
    if (!window.confirm('Reset your API key? The old one stops working at once.')) return;
    setError(null);
    try { setKey((await post('/me/reset-key')).api_key); } catch (e) { setError(e); }
  };
  const changePassword = async (e) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    try {
      await post('/me/password', { old_password: oldPassword, new_password: newPassword });
      setOld('');
      setNew('');
      setMessage('Password changed.');
    } catch (err) { setError(err); }
  };
  const u = me.user;
  return html`<h1>${u.name || u.login}</h1>
    <p>User name ${u.login}${u.email ? ' · ' + u.email : ''}</p>
    <${ErrorBox} error=${error} />
    <section><h2>API key</h2>
      <p>Keys are stored only as hashes, so the current one cannot be shown: a reset makes a new one, shown once.</p>
      <button onClick=${resetKey}>Reset API key</button>
      ${key && html`<p class="notice">Your new API key: <code data-test="new-api-key">${key}</code></p>`}</section>
    <section><h2>Password</h2><form onSubmit=${changePassword}>
      <label>Current password <input type="password" value=${oldPassword} onInput=${(e) => setOld(e.target.value)}
        required /></label>
      <label>New password <input type="password" value=${newPassword} onInput=${(e) => setNew(e.target.value)}
        required minlength="8" /></label>
      <button type="submit">Change password</button>${message && html`<span class="notice">${message}</span>`}
    </form></section>`;
}
