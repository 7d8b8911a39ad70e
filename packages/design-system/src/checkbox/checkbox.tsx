import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: ReactNode;
  /** A second line under the label, announced as the description. */
  description?: ReactNode;
}

/** A native checkbox with a clickable label and an optional description. */
export function Checkbox({ label, description, className, ...rest }: CheckboxProps) {
  const id = useId();
  const descriptionId = description ? `${id}-description` : undefined;
  return (
    <div className={['ds-checkbox', className].filter(Boolean).join(' ')}>
      <input {...rest} id={id} type="checkbox" className="ds-checkbox__input" aria-describedby={descriptionId} />
      <label className="ds-checkbox__label" htmlFor={id}>
        {label}
        {description ? (
          <span id={descriptionId} className="ds-checkbox__description">
            {description}
          </span>
        ) : null}
      </label>
    </div>
  );
}
