import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** Usually the button that creates the first item. */
  action?: ReactNode;
}

/** What a list shows when it has nothing yet: what goes here and how to add it. */
export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <div className="ds-empty-state">
      <p className="ds-empty-state__title">{title}</p>
      {description ? <p className="ds-empty-state__description">{description}</p> : null}
      {action ? <div className="ds-empty-state__action">{action}</div> : null}
    </div>
  );
}
