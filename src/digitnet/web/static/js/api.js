// JSON requests to the local server; a failed request throws an Error with the server's message.

export async function api(path, options = {}) {
  const init = { ...options, headers: { "Content-Type": "application/json" } };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(payload.detail || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}
