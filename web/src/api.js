// The page's only way to the pacemaker: the JSON API at /api/v1, with the
// session cookie the sign-in set. Requests that change state carry the
// session's CSRF token (from the sign-in answer or GET /me).
let csrfToken = '';
let onSignedOut = () => {};

export function setCsrfToken(token) { csrfToken = token || ''; }
export function onUnauthenticated(callback) { onSignedOut = callback; }

export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

async function send(method, path, { json, body, headers = {}, signal } = {}) {
  const h = { ...headers };
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  if (method !== 'GET' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers: h, body, credentials: 'same-origin', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'the pacemaker cannot be reached: ' + e.message);
  }
  if (res.status === 401 && path !== '/login') onSignedOut();
  return res;
}

async function errorOf(res) {
  let message = res.status + ' ' + res.statusText;
  let detail;
  try {
    const answer = await res.json();
    if (answer.errors && answer.errors.length) message = answer.errors.join('; ');
    detail = answer.data;
  } catch { /* not JSON */ }
  return new ApiError(res.status, message, detail);
}

// The answer's `data`, or an ApiError with the server's own message.
export async function api(method, path, json, options = {}) {
  const res = await send(method, path, { ...options, json });
  if (!res.ok) throw await errorOf(res);
  const answer = await res.json();
  return answer.data;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, json) => api('POST', path, json === undefined ? {} : json);
export const del = (path) => api('DELETE', path);

// A log read from `offset`: { text, next } (the server's X-Log-Next-Offset).
export async function readLog(path, offset) {
  const res = await send('GET', path + '?offset=' + offset);
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  const next = Number(res.headers.get('X-Log-Next-Offset') || offset + text.length);
  return { text, next };
}

// Sends a file in 1 MiB chunks (the upload protocol of the CLI); calls
// progress(sent, total). Returns the upload id.
export async function uploadFile(file, progress) {
  const created = await post('/uploads', { filename: file.name, size: file.size });
  const id = created.upload.upload_id;
  const chunk = 1024 * 1024;
  let offset = 0;
  progress(0, file.size);
  while (offset < file.size) {
    const piece = file.slice(offset, offset + chunk);
    const res = await send('PUT', `/uploads/${id}?offset=${offset}`, {
      body: piece, headers: { 'Content-Type': 'application/octet-stream' },
    });
    if (!res.ok) throw await errorOf(res);
    const answer = await res.json();
    offset = answer.data.upload.received;
    progress(offset, file.size);
  }
  return id;
}

// Server-sent events of an API stream, resumed by the browser after a drop
// (EventSource sends Last-Event-ID). Returns the EventSource; close() it.
export function stream(path, onEvent, onError) {
  const source = new EventSource('/api/v1' + path, { withCredentials: true });
  source.onmessage = (e) => {
    try { onEvent(JSON.parse(e.data)); } catch { /* a malformed event is skipped */ }
  };
  if (onError) source.onerror = onError;
  return source;
}
