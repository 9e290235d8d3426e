import type { Login } from "../bindings/Login";
import type { RefreshRequest } from "../bindings/RefreshRequest";
import type { Session } from "../bindings/Session";
import type { User } from "../bindings/User";
import { local } from "../lib/storage";

/** An API error: the backend's `{"error": {"code", "message", "field"}}` with its status. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
  }
}

type Stored = { access_token: string; refresh_token: string; expires_at: number; user: User };
const SESSION_KEY = "closer.session";
const listeners = new Set<(user: User | null) => void>();

/**
 * Where the UI's API calls go and how they are authorized. The web UI is served by the backend
 * itself (same origin, tokens in localStorage: [`webSession`]); the desktop app's web view has an
 * origin of its own and installs a session whose tokens live in the app's memory
 * ([`installApiSession`]), so the same components work in both.
 */
export type ApiSession = {
  /** Prefixed to `/api/…` paths: `""` (this page's origin) or `http(s)://host[:port]`. */
  origin: string;
  /** A valid access token, or null when signed out. */
  accessToken(): Promise<string | null>;
  /** A new access token after `stale` was refused (HTTP 401), or null when the login is over. */
  refresh(stale: string | null): Promise<string | null>;
  /** The signed-in user, or null. */
  user(): User | null;
};

/** Tells [`useUser`](./auth) hooks that the signed-in user changed. */
export function announceUser(user: User | null) {
  listeners.forEach((fn) => fn(user));
}

export function currentUser(): User | null {
  return session.user();
}

export function onSessionChange(fn: (user: User | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function storeSession(session: Session) {
  const stored: Stored = {
    access_token: session.access_token,
    refresh_token: session.refresh_token,
    expires_at: Date.now() + session.expires_in * 1000,
    user: session.user,
  };
  local.set(SESSION_KEY, stored);
  announceUser(stored.user);
}

/** Replaces the signed-in user of the stored web session (after they changed their profile). */
export function updateStoredUser(user: User) {
  const stored = local.get<Stored>(SESSION_KEY);
  if (!stored) return;
  local.set(SESSION_KEY, { ...stored, user });
  announceUser(user);
}

export function clearSession() {
  local.remove(SESSION_KEY);
  announceUser(null);
}

async function parseError(res: Response): Promise<ApiError> {
  let code = "http_" + res.status;
  let message = res.statusText || "request failed";
  let field: string | undefined;
  try {
    const body = await res.json();
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      field = body.error.field ?? undefined;
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message, field);
}

/** Runs `fn` under a cross-tab lock when the browser has one (refresh tokens are single-use). */
async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request("closer-refresh", fn) : fn();
}

let refreshing: Promise<string | null> | null = null;

async function refreshStored(staleAccess: string | null): Promise<string | null> {
  refreshing ??= exclusive(async () => {
    const stored = local.get<Stored>(SESSION_KEY);
    if (!stored) return null;
    // Another tab refreshed while we waited for the lock: use its token.
    if (stored.access_token !== staleAccess && stored.expires_at - Date.now() > 60_000) return stored.access_token;
    const res = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: stored.refresh_token } satisfies RefreshRequest),
    });
    if (!res.ok) {
      if (res.status === 401 || res.status === 400 || res.status === 422) clearSession();
      return null;
    }
    const session = (await res.json()) as Session;
    storeSession(session);
    return session.access_token;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The web UI's session: same origin, tokens in localStorage, refreshed a minute before expiry. */
export const webSession: ApiSession = {
  origin: "",
  async accessToken() {
    const stored = local.get<Stored>(SESSION_KEY);
    if (!stored) return null;
    if (stored.expires_at - Date.now() > 60_000) return stored.access_token;
    return refreshStored(stored.access_token);
  },
  refresh: refreshStored,
  user: () => local.get<Stored>(SESSION_KEY)?.user ?? null,
};

let session: ApiSession = webSession;

/** Replaces the web session (the desktop app, before it renders anything). */
export function installApiSession(next: ApiSession) {
  session = next;
  announceUser(next.user());
}

/** A valid access token (refreshed when it expires within a minute), or null when signed out. */
export function accessToken(): Promise<string | null> {
  return session.accessToken();
}

/** The absolute URL of an API path (`/api/…`) on the session's backend; other URLs unchanged. */
export function apiUrl(path: string): string {
  return path.startsWith("/") ? session.origin + path : path;
}

/**
 * `fetch` of an API path on the session's backend with the bearer token (`auth`), refreshed and
 * retried once on 401. Returns the response whatever its status.
 */
export async function authedFetch(path: string, init: RequestInit = {}, auth = true): Promise<Response> {
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("Authorization", `Bearer ${token}`);
    return fetch(apiUrl(path), { ...init, headers });
  };
  let token = auth ? await session.accessToken() : null;
  let res = await send(token);
  if (res.status === 401 && auth && token) {
    token = await session.refresh(token);
    if (token) res = await send(token);
  }
  return res;
}

/** Throws the backend's error of a non-2xx response as an [`ApiError`]. */
export async function ensureOk(res: Response): Promise<Response> {
  if (!res.ok) throw await parseError(res);
  return res;
}

type Options = { method?: string; body?: unknown; auth?: boolean; raw?: BodyInit; contentType?: string };

/** Calls the API; JSON in and out; throws [`ApiError`] on non-2xx. */
export async function api<T>(path: string, options: Options = {}): Promise<T> {
  const { method = "GET", body, auth = true, raw, contentType } = options;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (raw !== undefined && contentType) headers["Content-Type"] = contentType;
  const init = { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) };
  const res = await ensureOk(await authedFetch(path, init, auth));
  if (res.status === 204 || res.status === 202) {
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return (await res.json()) as T;
}

export async function login(email: string, password: string): Promise<User> {
  const body: Login = { email, password };
  const session = await api<Session>("/api/auth/login", { method: "POST", body, auth: false });
  storeSession(session);
  return session.user;
}

export async function logout() {
  const stored = local.get<Stored>(SESSION_KEY);
  clearSession();
  if (stored) {
    await fetch("/api/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: stored.refresh_token } satisfies RefreshRequest),
    }).catch(() => undefined);
  }
}

/** `ws(s)://<the session's backend><path>` for a WebSocket on the API. */
export function wsUrl(path: string): string {
  const url = new URL(apiUrl(path), window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
