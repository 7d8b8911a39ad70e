import { useId, type ReactNode } from 'react';

export interface CheckboxGroupProps {
  /** The question the checkboxes answer, rendered as the fieldset's legend. */
  legend: string;
  hint?: string;
  /** Error for the group as a whole (e.g. "choose at least one"). */
  error?: string;
  children: ReactNode;
}

/** Groups related checkboxes under one legend, with a hint and an error announced for the group. */
export function CheckboxGroup({ legend, hint, error, children }: CheckboxGroupProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className="ds-checkbox-group" aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <legend className="ds-field__label">{legend}</legend>
      {hint ? (
        <span id={hintId} className="ds-field__hint">
          {hint}
        </span>
      ) : null}
      <div className="ds-checkbox-group__items">{children}</div>
      {error ? (
        <span id={errorId} className="ds-field__error">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
