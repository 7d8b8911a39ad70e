import type { ReactNode } from 'react';
import { Card } from '@auterity/design-system';

/** The centered card used by sign-in, registration and the emailed-link pages. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-page__brand" aria-hidden="true">
        <img src="/favicon.svg" alt="" width="40" height="40" />
        <span>Auterity</span>
      </div>
      <Card label={title}>
        <h1 className="auth-page__title">{title}</h1>
        {subtitle ? <p className="auth-page__subtitle">{subtitle}</p> : null}
        {children}
      </Card>
    </main>
  );
}
