// Shared bits of every page: the html tag (htm bound to preact: every
// interpolated value is text, never markup, so names and log lines from
// users and apps are always escaped), permission checks, formatting.
import { h } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

// What the signed-in principal may do (GET /api/v1/me's permissions): the
// page shows only what the API would allow; the API refuses the rest anyway.
export function can(me, permission, workspaceId) {
  if (!me) return false;
  const p = me.permissions;
  if (p.global.includes(permission)) return true;
  return !!workspaceId && (p.workspaces[workspaceId] || []).includes(permission);
}

export function when(seconds) {
  if (!seconds) return '—';
  return new Date(seconds * 1000).toLocaleString();
}

export function ago(seconds) {
  if (!seconds) return '—';
  const d = Date.now() / 1000 - seconds;
  if (d < 60) return Math.max(0, Math.round(d)) + ' s ago';
  if (d < 3600) return Math.round(d / 60) + ' min ago';
  if (d < 86400) return Math.round(d / 3600) + ' h ago';
  return Math.round(d / 86400) + ' d ago';
}

export function bytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

export function State({ state }) {
  return html`<span class=${'state state-' + String(state || '').toLowerCase()}>${state}</span>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${error.message || String(error)}</div>`;
}

// Loads `load()` on mount and whenever `deps` change; `reload` runs it again.
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const run = useCallback(() => {
    let live = true;
    load().then((data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState((s) => ({ ...s, error, loading: false })));
    return () => { live = false; };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

// Runs `fn` every `ms` while the page shows (and once at once).
export function useEvery(ms, fn, deps) {
  useEffect(() => {
    fn();
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  }, deps);
}

export function link(path) { return '#' + path; }
export function go(path) { window.location.hash = path; }

// A button for an action that answers with a job tree: runs it, then opens
// the job's live page.
export function JobButton({ label, run, danger, confirmText }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const click = async () => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await run();
      if (answer && answer.job_id) go('/jobs/' + answer.job_id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button class=${danger ? 'danger' : ''} disabled=${busy} onClick=${click}>${label}</button>
    <${ErrorBox} error=${error} />
  </span>`;
}
