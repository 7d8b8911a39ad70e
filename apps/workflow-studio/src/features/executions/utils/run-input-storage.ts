/** Prefix of the localStorage keys holding the last run input of each workflow. */
const KEY_PREFIX = 'auterity.run-input.';
// A remembered input is a convenience; a huge paste is not worth keeping in every tab's storage.
const REMEMBER_MAX_CHARS = 20_000;

/** The input last used to run this workflow in this browser, or '' (storage may be off). */
export function readRunInput(workflowId: string): string {
  try {
    return window.localStorage.getItem(KEY_PREFIX + workflowId) ?? '';
  } catch {
    return '';
  }
}

/** Remembers the input for the next run of this workflow; an empty input forgets it. */
export function writeRunInput(workflowId: string, text: string): void {
  try {
    if (text.trim() === '' || text.length > REMEMBER_MAX_CHARS) window.localStorage.removeItem(KEY_PREFIX + workflowId);
    else window.localStorage.setItem(KEY_PREFIX + workflowId, text);
  } catch {
    // Private mode or a full quota: the input simply is not remembered.
  }
}
