import { useId, type InputHTMLAttributes } from 'react';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  hint?: string;
  /** Error text shown under the field; also marks the input invalid for assistive tech. */
  error?: string;
}

/** A labelled input whose hint and error are announced through `aria-describedby`. */
export function TextField({ label, hint, error, className, ...rest }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="ds-field">
      <label className="ds-field__label" htmlFor={id}>
        {label}
      </label>
      <input
        {...rest}
        id={id}
        className={['ds-input', className].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
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
