import { useEffect, useRef } from 'react';
import type { CanvasState } from './use-canvas-state';

/** Keys typed into a field or a dialog belong to it (text undo, deleting characters), not to the canvas. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, [role="dialog"]')) return true;
  return false;
}

/**
 * True when the person selected text to copy. A selection that reaches into the canvas is a side
 * effect of Shift-dragging a selection box, so it leaves Ctrl+C to the nodes.
 */
function hasTextSelection(): boolean {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.toString().trim() === '') return false;
  const canvas = document.querySelector('.react-flow');
  return !(canvas && selection.containsNode(canvas, true));
}

/**
 * The editor's canvas keys, on the window so they work wherever focus is outside a field:
 * Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, Ctrl/Cmd+C/V copy and paste the selected
 * nodes, Ctrl/Cmd+D duplicates them, Delete/Backspace removes the selection.
 */
export function useCanvasShortcuts(canvas: CanvasState, isEnabled: boolean): void {
  // The handler reads the latest state without re-subscribing on every canvas change.
  const latest = useRef(canvas);
  latest.current = canvas;

  useEffect(() => {
    if (!isEnabled) return undefined;
    const handleKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || isTypingTarget(event.target)) return;
      const state = latest.current;
      const key = event.key.toLowerCase();
      const isMod = event.ctrlKey || event.metaKey;
      if (!isMod) {
        if (key !== 'delete' && key !== 'backspace') return;
        event.preventDefault();
        state.deleteSelection();
        return;
      }
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        state.undo();
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)) {
        event.preventDefault();
        state.redo();
      } else if (key === 'c' && !event.shiftKey && !hasTextSelection()) {
        if (state.copySelection()) event.preventDefault();
      } else if (key === 'v' && !event.shiftKey) {
        if (state.paste()) event.preventDefault();
      } else if (key === 'd' && !event.shiftKey) {
        // Always ours: the browser's Ctrl+D would bookmark the page.
        event.preventDefault();
        state.duplicateSelection();
      }
    };
    window.addEventListener('keydown', handleKeyDown);
    return () => window.removeEventListener('keydown', handleKeyDown);
  }, [isEnabled]);
}
