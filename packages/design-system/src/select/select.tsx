import { useId, type SelectHTMLAttributes } from 'react';

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'children'> {
  label: string;
  options: readonly SelectOption[];
  hint?: string;
  /** Error text shown under the field; also marks the select invalid for assistive tech. */
  error?: string;
  /** Hide the label visually (toolbars); it stays the accessible name. */
  isLabelHidden?: boolean;
}

/** A labelled native select, so keyboard and screen-reader behavior come from the platform. */
export function Select({ label, options, hint, error, isLabelHidden = false, className, ...rest }: SelectProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="ds-field">
      <label className={isLabelHidden ? 'ds-visually-hidden' : 'ds-field__label'} htmlFor={id}>
        {label}
      </label>
      <select
        {...rest}
        id={id}
        className={['ds-input', 'ds-select', className].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      {hint ? (
        <span id={hintId} className="ds-field__hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="ds-field__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
