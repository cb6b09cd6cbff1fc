// Calls to the JSON API (/api/v1) with the session cookie and the CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `the server answered ${status}`);
    this.status = status;
    this.field = body ? body.field || null : null;
    this.current = body ? body.current || null : null;
  }
}

export const SESSION_EXPIRED = "Your session has expired: log in again in another tab, then "
  + "retry — nothing you typed is lost";

// Any call answering 401 means the session is gone; the page says so once, whatever made the
// call, and takes the message back when a later call goes through (logged in again).
let sessionExpired = false;

function reportSession(expired) {
  if (expired === sessionExpired) return;
  sessionExpired = expired;
  window.dispatchEvent(new CustomEvent("credence:session", { detail: { expired } }));
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// After logging in again in another tab the session is new, and so is its CSRF token: a
// change refused for the token alone is sent once more with the token of a freshly loaded
// copy of this page (a GET, so it changes nothing).
async function refreshCsrfToken() {
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector('meta[name="csrf-token"]');
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (!fresh || !meta || fresh.content === meta.content) return false;
    meta.content = fresh.content;
    return true;
  } catch (error) {
    return false;
  }
}

export async function apiRequest(method, url, body) {
  try {
    return await sendRequest(method, url, body);
  } catch (error) {
    if (error.field !== "csrf_token" || !(await refreshCsrfToken())) throw error;
    return sendRequest(method, url, body);
  }
}

async function sendRequest(method, url, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, {
      error: "the server could not be reached, so nothing was saved; check the connection "
        + "and try again",
    });
  }
  if (response.status === 204) {
    reportSession(false);
    return null;
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401) {
      reportSession(true);
      throw new ApiError(401, { error: SESSION_EXPIRED });
    }
    throw new ApiError(response.status, data);
  }
  reportSession(false);
  return data;
}
