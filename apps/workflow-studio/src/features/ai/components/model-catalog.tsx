import { useState } from 'react';
import { Alert, Checkbox, EmptyState, Select, Spinner, TextField } from '@auterity/design-system';
import { AI_CAPABILITIES, type AiCapability, type AiModelDto } from '@auterity/workflow-contracts';
import { usePlatformAdmin } from '../../../hooks/use-platform-admin';
import { errorText } from '../../../utils/error-text';
import { useAiModels } from '../api/get-ai-models';
import { CAPABILITY_LABELS } from '../utils/ai-format';
import { ModelsTable } from './models-table';
import '../ai.css';

const CAPABILITY_OPTIONS = [
  { value: '', label: 'Any capability' },
  ...AI_CAPABILITIES.map((capability) => ({ value: capability, label: CAPABILITY_LABELS[capability] })),
];

function isCapability(value: string): value is AiCapability {
  return AI_CAPABILITIES.some((capability) => capability === value);
}

interface Filters {
  search: string;
  capability: AiCapability | '';
  provider: string;
  isAvailableOnly: boolean;
}

function matches(model: AiModelDto, filters: Filters): boolean {
  if (filters.isAvailableOnly && !model.available) return false;
  if (filters.capability && !model.capabilities.includes(filters.capability)) return false;
  if (filters.provider && model.provider !== filters.provider) return false;
  const needle = filters.search.trim().toLowerCase();
  return needle === '' || model.name.toLowerCase().includes(needle) || model.id.toLowerCase().includes(needle);
}

/** The catalog with its filters; platform administrators edit prices and switch models on and off in place. */
export function ModelCatalog() {
  const isPlatformAdmin = usePlatformAdmin();
  const models = useAiModels();
  const [filters, setFilters] = useState<Filters>({ search: '', capability: '', provider: '', isAvailableOnly: false });
  const all = models.data ?? [];
  // Models the organization can use now come first; the API's order (by provider) is kept otherwise.
  const shown = all.filter((m) => matches(m, filters)).sort((a, b) => Number(b.available) - Number(a.available));
  const providerOptions = [
    { value: '', label: 'All providers' },
    ...[...new Map(all.map((m) => [m.provider, m.providerName])).entries()]
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([value, label]) => ({ value, label })),
  ];
  const availableCount = all.filter((m) => m.available).length;

  return (
    <section className="ai-section" aria-label="Model catalog" data-testid="ai-models-page">
      <div className="page-toolbar">
        <div className="page-toolbar__filters ai-filters">
          <TextField
            label="Search models"
            type="search"
            placeholder="Search models"
            value={filters.search}
            onChange={(event) => setFilters({ ...filters, search: event.target.value })}
          />
          <Select
            label="Capability"
            value={filters.capability}
            options={CAPABILITY_OPTIONS}
            data-testid="model-capability-filter"
            onChange={(event) => {
              const value = event.target.value;
              setFilters({ ...filters, capability: isCapability(value) ? value : '' });
            }}
          />
          <Select
            label="Provider"
            value={filters.provider}
            options={providerOptions}
            onChange={(event) => setFilters({ ...filters, provider: event.target.value })}
          />
          <Checkbox
            label="Available only"
            data-testid="model-available-filter"
            checked={filters.isAvailableOnly}
            onChange={(event) => setFilters({ ...filters, isAvailableOnly: event.target.checked })}
          />
        </div>
        <p className="page-toolbar__meta" aria-live="polite">
          {models.data ? `${shown.length} of ${all.length} models · ${availableCount} available to you` : ''}
        </p>
      </div>
      {isPlatformAdmin ? (
        <Alert tone="info">You administer the platform: prices and switches apply to every organization.</Alert>
      ) : null}
      {models.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading the model catalog" />
        </div>
      ) : models.isError ? (
        <Alert tone="error">{errorText(models.error)}</Alert>
      ) : all.length === 0 ? (
        <EmptyState title="The catalog is empty" description="No models are registered on this installation yet." />
      ) : shown.length === 0 ? (
        <EmptyState title="No models match these filters" description="Clear a filter to see more models." />
      ) : (
        <ModelsTable models={shown} isEditable={isPlatformAdmin} busy={models.isFetching} />
      )}
    </section>
  );
}
