import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, EmptyState, Select, Spinner, TextField } from '@auterity/design-system';
import { ERROR_GROUP_STATUSES, type ErrorGroupStatus, type ErrorSource } from '@auterity/workflow-contracts';
import { useAlertSettings } from '../../features/error-iq/api/alert-settings';
import { useErrorGroups, type ErrorGroupFilters } from '../../features/error-iq/api/error-groups';
import { AlertSettingsForm } from '../../features/error-iq/components/alert-settings-form';
import { ErrorGroupList } from '../../features/error-iq/components/error-group-list';
import { useDebouncedValue } from '../../hooks/use-debounced-value';
import { usePermission } from '../../hooks/use-permission';
import { errorText } from '../../utils/error-text';
import { PageHeader } from '../page-header';
import './analytics-route.css';

const SOURCES: readonly ErrorSource[] = ['api', 'execution', 'step'];
const isStatus = (v: string): v is ErrorGroupStatus => (ERROR_GROUP_STATUSES as readonly string[]).includes(v);
const isSource = (v: string): v is ErrorSource => (SOURCES as readonly string[]).includes(v);

/** `/errors`: the Error-IQ inbox, grouped errors with their trend; filters live in the URL. */
export function ErrorsRoute() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const source = params.get('source') ?? '';
  const q = params.get('q') ?? '';
  const search = useDebouncedValue(q, 250);
  const filters: ErrorGroupFilters = useMemo(
    () => ({ status: isStatus(status) ? status : '', source: isSource(source) ? source : '', q: search.trim() }),
    [status, source, search],
  );
  const groups = useErrorGroups(filters);
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const counts = groups.data?.counts;
  const canConfigure = usePermission('members:manage');
  const settings = useAlertSettings(canConfigure);

  return (
    <>
      <PageHeader
        title="Errors"
        description="Error-IQ groups every failed API call, run and step by cause. Resolve a group when it is fixed: if it comes back it reopens as a regression."
      />
      <div className="errors-toolbar">
        <Select
          label="Status"
          value={isStatus(status) ? status : ''}
          data-testid="errors-status"
          options={[
            { value: 'open', label: `Open${counts ? ` (${counts.open})` : ''}` },
            { value: 'resolved', label: `Resolved${counts ? ` (${counts.resolved})` : ''}` },
            { value: 'ignored', label: `Ignored${counts ? ` (${counts.ignored})` : ''}` },
            { value: '', label: 'All' },
          ]}
          onChange={(event) => setParam('status', event.target.value)}
        />
        <Select
          label="Source"
          value={source}
          options={[
            { value: '', label: 'Everything' },
            { value: 'api', label: 'API requests' },
            { value: 'execution', label: 'Executions' },
            { value: 'step', label: 'Steps' },
          ]}
          onChange={(event) => setParam('source', event.target.value)}
        />
        <TextField
          label="Search"
          value={q}
          placeholder="Message, type or place"
          onChange={(event) => setParam('q', event.target.value)}
        />
      </div>
      {canConfigure ? (
        <details className="ds-card analytics-panel alert-settings-panel">
          <summary data-testid="alert-settings-toggle">Alert settings</summary>
          {settings.data ? <AlertSettingsForm settings={settings.data} /> : null}
          {settings.isError ? <Alert tone="error">Could not load alert settings: {errorText(settings.error)}</Alert> : null}
        </details>
      ) : null}
      {groups.isPending ? <Spinner label="Loading errors" /> : null}
      {groups.isError ? <Alert tone="error">Could not load errors: {errorText(groups.error)}</Alert> : null}
      {groups.data && groups.data.items.length === 0 ? (
        <EmptyState
          title="No errors here"
          description="Nothing matches these filters. Failed runs and API errors appear here as they happen."
        />
      ) : null}
      {groups.data && groups.data.items.length > 0 ? (
        <ErrorGroupList groups={groups.data.items} busy={groups.isFetching} />
      ) : null}
    </>
  );
}
