// JSON requests to the local server; a failed request throws an Error with the server's message.
// Every POST and PUT carries a JSON body ({} when there is nothing to say): the server takes a
// change only as JSON, which another site's page cannot send here without asking first.
// A server other machines can reach changes (trains, saves, switches models) only with the token
// it printed at start: opened as /?token=..., the page keeps it for this tab and sends it along.

const TOKEN_KEY = "digitnet-token";

function takeToken() {
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete("token"); // off the address bar (and the projector)
    window.history.replaceState(null, "", url);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

let token; // taken at the first request, so importing this module changes nothing

export async function api(path, options = {}) {
  if (token === undefined) token = takeToken();
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Digitnet-Token"] = token;
  const init = { ...options, headers };
  const changes = ["POST", "PUT"].includes((options.method || "GET").toUpperCase());
  if (options.body !== undefined || changes) init.body = JSON.stringify(options.body ?? {});
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(payload.detail || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}
