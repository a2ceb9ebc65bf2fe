/**
 * Talks to the server the page came from. Every path is under the page's own address, which starts
 * with the token, so requests carry it without the page ever reading or storing it elsewhere.
 */
const base = location.pathname.endsWith("/") ? location.pathname : `${location.pathname}/`;

class ApiError extends Error {}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(text.trim() || `${response.status} ${response.statusText}`);
  }
  if (!response.ok) throw new ApiError((value as { error?: string }).error ?? `${response.status}`);
  return value as T;
}

export async function getJson<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
  const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  const suffix = search.size > 0 ? `?${search}` : "";
  return parse<T>(await fetch(`${base}api/${path}${suffix}`, { credentials: "same-origin" }));
}

/** A change: JSON, so the server can tell the page's own requests from a form on another site. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(
    await fetch(`${base}api/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}
