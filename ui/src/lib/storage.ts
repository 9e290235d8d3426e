/** localStorage/sessionStorage that never throws (private mode, quota, disabled storage). */
function safe(store: () => Storage) {
  return {
    get<T>(key: string): T | null {
      try {
        const raw = store().getItem(key);
        return raw == null ? null : (JSON.parse(raw) as T);
      } catch {
        return null;
      }
    },
    set(key: string, value: unknown) {
      try {
        store().setItem(key, JSON.stringify(value));
      } catch {
        /* ignore */
      }
    },
    remove(key: string) {
      try {
        store().removeItem(key);
      } catch {
        /* ignore */
      }
    },
  };
}

export const local = safe(() => window.localStorage);
export const session = safe(() => window.sessionStorage);
