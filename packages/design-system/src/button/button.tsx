import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** `danger` for destructive actions, `ghost` for quiet actions inside rows. */
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  size?: 'md' | 'sm';
  /** Shows a busy state and blocks clicks while an action runs. */
  loading?: boolean;
  /** React 19 passes `ref` as a prop; dialogs use it to focus a button first. */
  ref?: Ref<HTMLButtonElement>;
  children: ReactNode;
}

/** A native button with our variants; `loading` sets `aria-busy` and disables it. */
export function Button({
  variant = 'primary',
  size = 'md',
  loading = false,
  disabled,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  const classes = ['ds-button', `ds-button--${variant}`, size === 'sm' ? 'ds-button--sm' : undefined, className]
    .filter(Boolean)
    .join(' ');
  return (
    <button {...rest} type={type} className={classes} disabled={disabled || loading} aria-busy={loading || undefined}>
      {children}
    </button>
  );
}
