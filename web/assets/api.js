// The JSON API client: every call carries the signed-in token, and every
// failure becomes an ApiError whose message is a plain sentence.

const TOKEN_KEY = 'sturgeon.token';

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) { sessionStorage.setItem(TOKEN_KEY, t); }
export function clearToken() { sessionStorage.removeItem(TOKEN_KEY); }

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const LEADS = {
  400: 'The request was not accepted',
  401: 'You are not signed in, or your token is no longer valid',
  403: 'You are not allowed to see or change this',
  404: 'This was not found',
  409: 'This conflicts with what is already stored',
  413: 'The file is too large for the server',
  422: 'This cannot be done',
  503: 'The server is busy; please try again in a moment',
};

function sentence(text) {
  const t = String(text || '').trim();
  if (!t) return '';
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

// Turns a failed response into one readable sentence (never raw JSON).
async function errorOf(res) {
  let detail = '';
  try {
    const body = await res.json();
    detail = body.detail || body.title || '';
  } catch {
    detail = '';
  }
  const lead = LEADS[res.status] || (res.status >= 500 ? 'The server ran into a problem' : 'The request failed');
  return new ApiError(res.status, detail ? `${lead}: ${sentence(detail)}` : `${lead}.`);
}

async function send(method, path, body, headers = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token()}`, ...headers },
      body,
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check the connection and try again.');
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function get(path) { return (await send('GET', path)).json(); }

export async function post(path, json) {
  return (await send('POST', path, json === undefined ? '' : JSON.stringify(json),
    { 'Content-Type': 'application/json' })).json();
}

export async function upload(path, file) {
  return (await send('POST', path, file, { 'Content-Type': file.type || 'application/octet-stream' })).json();
}

// An image the API serves behind the token, as an object URL for <img>.
export async function imageUrl(path) {
  const blob = await (await send('GET', path)).blob();
  return URL.createObjectURL(blob);
}
