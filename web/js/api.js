// Tiny fetch wrapper for the techtankd JSON API.
// Always resolves to {status, body, headers}; status 0 means the request never
// got an answer (network down, server gone), body is null when not JSON.

export async function api(method, path, { body, headers = {}, signal } = {}) {
  const init = {
    method,
    signal,
    headers: { Accept: 'application/json', ...headers },
    credentials: 'same-origin',
    cache: 'no-store',
  };
  if (body instanceof Blob) {
    // A file as it is (an import's CSV), with its own type.
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { status: 0, body: null, headers: null };
  }
  let data = null;
  try {
    const text = await res.text();
    if (text) data = JSON.parse(text);
  } catch {
    data = null;
  }
  return { status: res.status, body: data, headers: res.headers };
}
