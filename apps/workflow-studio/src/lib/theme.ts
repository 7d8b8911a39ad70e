/** The user's color theme choice; `system` follows the OS (prefers-color-scheme). */
export type ThemePreference = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'auterity.theme';

function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** The stored choice, `system` when none (or storage is unavailable). */
export function readThemePreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isThemePreference(stored) ? stored : 'system';
  } catch {
    return 'system';
  }
}

/**
 * Applies a choice through the design-system tokens: `data-theme` on <html> forces light or dark;
 * without it the tokens follow prefers-color-scheme. Only the preference is stored, never user data.
 */
export function applyThemePreference(preference: ThemePreference): void {
  const root = document.documentElement;
  if (preference === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', preference);
  try {
    window.localStorage.setItem(STORAGE_KEY, preference);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page only.
  }
}
