// Calls to the JSON API (/api/v1) with the session cookie and the CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `the server answered ${status}`);
    this.status = status;
    this.field = body ? body.field || null : null;
    this.current = body ? body.current || null : null;
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function apiRequest(method, url, body) {
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
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401) {
      throw new ApiError(401, {
        error: "your session has expired: log in again in another tab, then save again",
      });
    }
    throw new ApiError(response.status, data);
  }
  return data;
}
