import type { ReactNode } from 'react';

export interface CardProps {
  /** Accessible name of the region, usually the visible heading text. */
  label?: string;
  children: ReactNode;
}

/** A raised surface grouping related content. */
export function Card({ label, children }: CardProps) {
  return (
    <section className="ds-card" aria-label={label}>
      {children}
    </section>
  );
}
