import { useState } from 'react';
import { Alert, EmptyState, Select, Spinner, Table, TextField, type TableColumn } from '@auterity/design-system';
import { AI_USAGE_GROUPS, AiUsageQuerySchema, type AiUsageQuery, type AiUsageRow } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useAiUsage } from '../api/get-ai-usage';
import { formatCount, formatUsd } from '../../../utils/format-money';
import { currentMonthRange } from '../utils/ai-format';
import '../ai.css';

type Group = AiUsageQuery['groupBy'];

const GROUP_LABELS: Record<Group, string> = {
  day: 'Day',
  model: 'Model',
  provider: 'Provider',
  workflow: 'Workflow',
  api_key: 'API key',
};

const GROUP_OPTIONS = AI_USAGE_GROUPS.map((group) => ({ value: group, label: GROUP_LABELS[group] }));

function isGroup(value: string): value is Group {
  return AI_USAGE_GROUPS.some((group) => group === value);
}

/** What a row without a key stands for, per grouping (e.g. gateway calls have no workflow). */
const NO_KEY_LABELS: Record<Group, string> = {
  day: 'Unknown day',
  model: 'Unknown model',
  provider: 'Unknown provider',
  workflow: 'Outside workflows (gateway)',
  api_key: 'Signed-in users (no API key)',
};

/** AI spend and tokens over a date range, grouped as the user picks. */
export function AiUsageReport() {
  const [groupBy, setGroupBy] = useState<Group>('day');
  const [range, setRange] = useState(currentMonthRange);
  const checked = AiUsageQuerySchema.safeParse({ groupBy, from: range.from || undefined, to: range.to || undefined });
  const isRangeReversed = checked.success && range.from !== '' && range.to !== '' && range.from > range.to;
  const query: AiUsageQuery = checked.success && !isRangeReversed ? checked.data : { groupBy };
  const usage = useAiUsage(query);

  const columns: TableColumn<AiUsageRow>[] = [
    {
      id: 'key',
      header: GROUP_LABELS[groupBy],
      isRowHeader: true,
      cell: (row) =>
        row.key === null && row.label === null ? (
          <span className="muted">{NO_KEY_LABELS[groupBy]}</span>
        ) : (
          <span className="cell-stack">
            <span className="cell-name">{row.label ?? row.key}</span>
            {row.label && row.key && row.label !== row.key && groupBy !== 'day' ? (
              <code className="muted small">{row.key}</code>
            ) : null}
          </span>
        ),
    },
    { id: 'calls', header: 'Calls', align: 'end', cell: (row) => formatCount(row.calls) },
    { id: 'in', header: 'Input tokens', align: 'end', cell: (row) => formatCount(row.inputTokens) },
    { id: 'out', header: 'Output tokens', align: 'end', cell: (row) => formatCount(row.outputTokens) },
    { id: 'cost', header: 'Cost', align: 'end', cell: (row) => <span className="nowrap">{formatUsd(row.costUsd)}</span> },
  ];

  return (
    <section className="ai-section" aria-labelledby="usage-report-title" data-testid="ai-usage-report">
      <h2 id="usage-report-title" className="section-title">
        Usage
      </h2>
      <div className="page-toolbar">
        <div className="page-toolbar__filters ai-filters">
          <Select
            label="Group by"
            value={groupBy}
            options={GROUP_OPTIONS}
            onChange={(event) => isGroup(event.target.value) && setGroupBy(event.target.value)}
          />
          <TextField
            label="From"
            type="date"
            value={range.from}
            max={range.to || undefined}
            onChange={(event) => setRange({ ...range, from: event.target.value })}
          />
          <TextField
            label="To"
            type="date"
            value={range.to}
            min={range.from || undefined}
            error={isRangeReversed ? 'Pick a date after “From”' : undefined}
            onChange={(event) => setRange({ ...range, to: event.target.value })}
          />
        </div>
        <p className="page-toolbar__meta" aria-live="polite">
          {usage.data ? (
            <>
              Total <strong data-testid="ai-usage-total">{formatUsd(usage.data.totalCostUsd)}</strong> from {usage.data.from} to{' '}
              {usage.data.to}
            </>
          ) : null}
        </p>
      </div>
      {usage.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading AI usage" />
        </div>
      ) : usage.isError ? (
        <Alert tone="error">{errorText(usage.error)}</Alert>
      ) : usage.data.rows.length === 0 ? (
        <EmptyState
          title="No AI calls in this period"
          description="Runs of AI nodes and calls to the OpenAI-compatible gateway are counted here."
        />
      ) : (
        <Table
          caption={`AI usage by ${GROUP_LABELS[groupBy].toLowerCase()}`}
          columns={columns}
          rows={usage.data.rows}
          rowKey={(row) => row.key ?? '(none)'}
          busy={usage.isFetching}
        />
      )}
    </section>
  );
}
