import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

/** Elements a keyboard user can reach with Tab inside the dialog. */
const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

export type ModalKeyAction<T> = { kind: 'close' } | { kind: 'focus'; target: T } | { kind: 'none' };

/**
 * Decides what a key press inside an open dialog does: Escape closes it, and Tab wraps around the
 * dialog's focusable elements so focus never leaves it. Pure, so it is tested without a DOM.
 */
export function modalKeyAction<T>(key: string, shiftKey: boolean, focusables: readonly T[], active: unknown): ModalKeyAction<T> {
  if (key === 'Escape') return { kind: 'close' };
  if (key !== 'Tab' || focusables.length === 0) return { kind: 'none' };
  const first = focusables[0];
  const last = focusables[focusables.length - 1];
  const inside = focusables.some((item) => item === active);
  if (shiftKey && (active === first || !inside) && last !== undefined) return { kind: 'focus', target: last };
  if (!shiftKey && (active === last || !inside) && first !== undefined) return { kind: 'focus', target: first };
  return { kind: 'none' };
}

interface Focusable {
  focus(): void;
}

interface FocusContainer extends Focusable {
  querySelector(selectors: string): Focusable | null;
}

function isFocusable(value: unknown): value is Focusable {
  return typeof value === 'object' && value !== null && 'focus' in value && typeof value.focus === 'function';
}

/**
 * Moves focus into a dialog that just opened (the requested element, else its first focusable
 * element, else the panel) and returns the cleanup that gives focus back to `previous`.
 */
export function focusOnOpen(panel: FocusContainer | null, initial: Focusable | null, previous: unknown): () => void {
  const target = initial ?? panel?.querySelector(FOCUSABLE) ?? panel;
  target?.focus();
  return () => {
    if (isFocusable(previous)) previous.focus();
  };
}

/** The parts of a keyboard event the dialog reads; React's event satisfies it. */
export interface ModalKeyboardEvent {
  key: string;
  shiftKey: boolean;
  currentTarget: { querySelectorAll(selectors: string): ArrayLike<Focusable> };
  preventDefault(): void;
  stopPropagation(): void;
}

/** Applies {@link modalKeyAction} to a key press inside the dialog panel. */
export function handleModalKeyDown(event: ModalKeyboardEvent, active: unknown, onClose: () => void): void {
  const focusables = Array.from(event.currentTarget.querySelectorAll(FOCUSABLE));
  const action = modalKeyAction(event.key, event.shiftKey, focusables, active);
  if (action.kind === 'none') return;
  event.preventDefault();
  event.stopPropagation();
  if (action.kind === 'close') onClose();
  else action.target.focus();
}

/**
 * What a key press does when focus is outside every open dialog, typically after the focused button
 * became disabled while an action ran and focus fell back to the page: Escape still closes the
 * topmost dialog and Tab moves focus back into it, so keyboard users are never stranded.
 */
export function strayModalKeyAction(key: string, isFocusInDialog: boolean, isTopmost: boolean): 'close' | 'focus' | 'none' {
  if (isFocusInDialog || !isTopmost) return 'none';
  if (key === 'Escape') return 'close';
  if (key === 'Tab') return 'focus';
  return 'none';
}

export interface ModalProps {
  open: boolean;
  title: string;
  /** Optional sentence under the title, announced with it through `aria-describedby`. */
  description?: ReactNode;
  /** Called on Escape, on a click on the backdrop and by the close button. */
  onClose: () => void;
  /** Buttons at the bottom, primary action last. */
  footer?: ReactNode;
  /** Element focused when the dialog opens; the first focusable element otherwise. */
  initialFocusRef?: RefObject<HTMLElement | null>;
  /** `alertdialog` for confirmations that interrupt the user. */
  role?: 'dialog' | 'alertdialog';
  /** Label of the close button (icon only). */
  closeLabel?: string;
  children?: ReactNode;
}

/**
 * A modal dialog: focus moves into it on open, Tab stays inside, Escape and the close button
 * dismiss it, and focus returns to where it was when it closes.
 */
export function Modal({
  open,
  title,
  description,
  onClose,
  footer,
  initialFocusRef,
  role = 'dialog',
  closeLabel = 'Close',
  children,
}: ModalProps) {
  const id = useId();
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    return focusOnOpen(panelRef.current, initialFocusRef?.current ?? null, document.activeElement);
  }, [open, initialFocusRef]);

  useEffect(() => {
    if (!open) return undefined;
    const handleStrayKey = (event: globalThis.KeyboardEvent) => {
      const panel = panelRef.current;
      if (!panel) return;
      const panels = document.querySelectorAll('.ds-modal__panel');
      const isFocusInDialog =
        document.activeElement instanceof Element && document.activeElement.closest('.ds-modal__panel') !== null;
      const action = strayModalKeyAction(event.key, isFocusInDialog, panels[panels.length - 1] === panel);
      if (action === 'none') return;
      event.preventDefault();
      if (action === 'close') onClose();
      else panel.focus();
    };
    document.addEventListener('keydown', handleStrayKey);
    return () => document.removeEventListener('keydown', handleStrayKey);
  }, [open, onClose]);

  if (!open) return null;

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => handleModalKeyDown(event, document.activeElement, onClose);

  return (
    <div className="ds-modal" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panelRef}
        className="ds-modal__panel"
        role={role}
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-description` : undefined}
        tabIndex={-1}
        onKeyDown={handleKeyDown}
      >
        <header className="ds-modal__header">
          <h2 id={`${id}-title`} className="ds-modal__title">
            {title}
          </h2>
          <button type="button" className="ds-modal__close" aria-label={closeLabel} onClick={onClose}>
            <span aria-hidden="true">×</span>
          </button>
        </header>
        {description ? (
          <p id={`${id}-description`} className="ds-modal__description">
            {description}
          </p>
        ) : null}
        {children ? <div className="ds-modal__body">{children}</div> : null}
        {footer ? <footer className="ds-modal__footer">{footer}</footer> : null}
      </div>
    </div>
  );
}
