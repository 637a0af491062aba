import { useState } from 'preact/hooks';
import { post, setCsrfToken } from '../api.js';
import { html, ErrorBox } from '../ui.js';

export function SignIn({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await post('/login', { username, password });
      setCsrfToken(answer.csrf_token);
      onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="signin" onSubmit=${submit}>
      <h1>Sign in to Paasmaker</h1>
      <label>User name <input name="username" autocomplete="username" value=${username}
        onInput=${(e) => setUsername(e.target.value)} required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" value=${password}
        onInput=${(e) => setPassword(e.target.value)} required /></label>
      <${ErrorBox} error=${error} />
      <button type="submit" disabled=${busy}>Sign in</button>
    </form>`;
}
