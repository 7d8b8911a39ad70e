import type { ReactNode } from 'react';

export interface AlertProps {
  tone?: 'error' | 'info' | 'warning' | 'success';
  children: ReactNode;
}

/** A message block; errors use role="alert" so screen readers announce them at once. */
export function Alert({ tone = 'info', children }: AlertProps) {
  return (
    <div className={`ds-alert ds-alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
