import { Alert, Button, EmptyState, Select, Spinner } from '@auterity/design-system';
import { errorText } from '../../../utils/error-text';
import { useAuditLog } from '../api/get-audit-log';
import { AUDIT_ACTION_OPTIONS } from '../utils/audit-actions';
import { AuditLogTable } from './audit-log-table';

interface AuditLogViewerProps {
  /** The action filter, kept by the caller (in the URL, so a filtered view can be shared). */
  action: string;
  onActionChange: (action: string) => void;
  actorName: (userId: string) => string | undefined;
}

/** The audit log with an action filter and "Load more" cursor pagination. */
export function AuditLogViewer({ action, onActionChange, actorName }: AuditLogViewerProps) {
  const log = useAuditLog(action ? { action } : {});
  const events = log.data?.pages.flatMap((page) => page.items) ?? [];
  const knownAction = AUDIT_ACTION_OPTIONS.some((option) => option.value === action);
  const options = knownAction ? AUDIT_ACTION_OPTIONS : [...AUDIT_ACTION_OPTIONS, { value: action, label: action }];

  return (
    <>
      <div className="page-toolbar">
        <div className="page-toolbar__filters">
          <Select
            label="Filter by action"
            isLabelHidden
            value={action}
            options={options}
            onChange={(event) => onActionChange(event.target.value)}
          />
        </div>
        <p className="page-toolbar__meta" aria-live="polite">
          {log.data ? `${events.length} ${events.length === 1 ? 'event' : 'events'}${log.hasNextPage ? ' so far' : ''}` : ''}
        </p>
      </div>
      {log.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading the audit log" />
        </div>
      ) : log.data === undefined ? (
        <Alert tone="error">{errorText(log.error)}</Alert>
      ) : events.length === 0 ? (
        <EmptyState
          title={action ? 'No events match this filter' : 'No events yet'}
          description="Sign-ins, credential and API key changes and membership changes are recorded here."
        />
      ) : (
        <>
          <AuditLogTable events={events} actorName={actorName} busy={log.isFetching && !log.isFetchingNextPage} />
          {log.isError ? <Alert tone="error">{errorText(log.error)}</Alert> : null}
          {log.hasNextPage ? (
            <div className="load-more">
              <Button variant="secondary" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : (
            <p className="list-end">You have reached the oldest event.</p>
          )}
        </>
      )}
    </>
  );
}
