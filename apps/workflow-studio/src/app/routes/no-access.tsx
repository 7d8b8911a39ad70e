import { EmptyState } from '@auterity/design-system';

/** What a page shows to a role that may not use it (the API refuses its calls too). */
export function NoAccess({ what }: { what: string }) {
  return (
    <EmptyState
      title="You do not have access to this page"
      description={`Only owners and admins can see ${what}. Ask one of them if you need access.`}
    />
  );
}
