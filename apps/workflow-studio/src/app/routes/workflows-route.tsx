import { EmptyState } from '@auterity/design-system';
import { PageHeader } from '../page-header';

/** Placeholder until the workflows list ships, so the navigation has no dead link. */
export function WorkflowsRoute() {
  return (
    <>
      <PageHeader title="Workflows" />
      <EmptyState
        title="Workflows arrive soon"
        description="You will draw workflows on a canvas here, run them, and watch every step. Credentials you store now will be ready for them."
      />
    </>
  );
}
