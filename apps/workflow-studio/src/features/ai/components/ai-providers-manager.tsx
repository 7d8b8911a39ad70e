import { useState } from 'react';
import { Alert, EmptyState, Select, Spinner, TextField } from '@auterity/design-system';
import type { AiProviderDto } from '@auterity/workflow-contracts';
import { usePermission } from '../../../hooks/use-permission';
import { usePlatformAdmin } from '../../../hooks/use-platform-admin';
import { errorText } from '../../../utils/error-text';
import { useAiProviders } from '../api/get-ai-providers';
import { useTestAiProvider } from '../api/test-ai-provider';
import { useUpdateAiProvider } from '../api/update-ai-provider';
import { AddProviderKeyDialog } from './add-provider-key-dialog';
import { ProviderTestResult } from './provider-test-result';
import { ProvidersTable } from './providers-table';
import { RemoveProviderKeyDialog } from './remove-provider-key-dialog';
import '../ai.css';

type StatusFilter = 'all' | 'configured' | 'not-configured';

const STATUS_OPTIONS: readonly { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All providers' },
  { value: 'configured', label: 'Configured' },
  { value: 'not-configured', label: 'Not configured' },
];

function isStatusFilter(value: string): value is StatusFilter {
  return STATUS_OPTIONS.some((option) => option.value === value);
}

function matches(provider: AiProviderDto, search: string, status: StatusFilter): boolean {
  if (status === 'configured' && !provider.configured) return false;
  if (status === 'not-configured' && provider.configured) return false;
  const needle = search.trim().toLowerCase();
  return needle === '' || provider.name.toLowerCase().includes(needle) || provider.id.includes(needle);
}

/**
 * The AI providers of the platform for this organization: which are configured, their keys (stored
 * as vault credentials) and a one-call connection test.
 */
export function AiProvidersManager() {
  const canManageProviders = usePermission('providers:manage');
  const canManageCredentials = usePermission('credentials:manage');
  const canManage = canManageProviders && canManageCredentials;
  const canTest = usePermission('ai:invoke');
  const isPlatformAdmin = usePlatformAdmin();
  const providers = useAiProviders();
  const test = useTestAiProvider();
  const toggle = useUpdateAiProvider();
  const [adding, setAdding] = useState<AiProviderDto | null>(null);
  const [removing, setRemoving] = useState<AiProviderDto | null>(null);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');

  const all = providers.data ?? [];
  const shown = all.filter((p) => matches(p, search, status));
  const configuredCount = all.filter((p) => p.configured).length;
  const testedName = all.find((p) => p.id === test.variables)?.name ?? test.variables ?? '';

  return (
    <section className="ai-section" aria-label="Providers" data-testid="ai-providers-page">
      <div className="page-toolbar">
        <div className="page-toolbar__filters ai-filters">
          <TextField
            label="Search providers"
            type="search"
            placeholder="Search providers"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <Select
            label="Show"
            value={status}
            options={STATUS_OPTIONS}
            onChange={(event) => isStatusFilter(event.target.value) && setStatus(event.target.value)}
          />
        </div>
        <p className="page-toolbar__meta" aria-live="polite">
          {providers.data ? `${configuredCount} of ${all.length} providers configured` : ''}
        </p>
      </div>
      {!canManage && providers.data ? <Alert tone="info">Only owners and admins can add or remove provider keys.</Alert> : null}
      {test.isIdle ? null : <ProviderTestResult providerName={testedName} result={test.data} error={test.error} />}
      {toggle.isError ? <Alert tone="error">{errorText(toggle.error)}</Alert> : null}
      {providers.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading AI providers" />
        </div>
      ) : providers.isError ? (
        <Alert tone="error">{errorText(providers.error)}</Alert>
      ) : all.length === 0 ? (
        <EmptyState title="No AI providers" description="This installation has no AI providers set up. Ask your operator." />
      ) : shown.length === 0 ? (
        <EmptyState title="No providers match" description="Clear the search or show all providers." />
      ) : (
        <ProvidersTable
          providers={shown}
          busy={providers.isFetching}
          testingId={test.isPending ? test.variables : null}
          togglingId={toggle.isPending ? toggle.variables.provider : null}
          {...(canTest ? { onTest: (p: AiProviderDto) => test.mutate(p.id) } : {})}
          {...(canManage ? { onAddKey: setAdding, onRemoveKey: setRemoving } : {})}
          {...(isPlatformAdmin
            ? { onToggleActive: (p: AiProviderDto) => toggle.mutate({ provider: p.id, active: !p.active }) }
            : {})}
        />
      )}
      <AddProviderKeyDialog provider={adding} onClose={() => setAdding(null)} />
      <RemoveProviderKeyDialog provider={removing} onClose={() => setRemoving(null)} />
    </section>
  );
}
