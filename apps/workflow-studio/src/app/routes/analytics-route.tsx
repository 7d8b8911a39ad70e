import type { ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Select, Spinner, Table, type TableColumn } from '@auterity/design-system';
import type { AiAnalyticsDto, ExecutionAnalyticsDto, RequestAnalyticsDto } from '@auterity/workflow-contracts';
import {
  ANALYTICS_RANGE_LABELS,
  ANALYTICS_RANGES,
  isAnalyticsRange,
  useAiAnalytics,
  useErrorAnalytics,
  useExecutionAnalytics,
  useRequestAnalytics,
  type AnalyticsRangeKey,
} from '../../features/analytics/api/get-analytics';
import {
  AiCostChart,
  ErrorsChart,
  ExecutionsChart,
  LatencyChart,
  RequestsChart,
} from '../../features/analytics/components/analytics-charts';
import { errorText } from '../../utils/error-text';
import { PageHeader } from '../page-header';
import './analytics-route.css';

const percent = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}%`);
const msText = (n: number | null) => (n === null ? '–' : `${Math.round(n)} ms`);

function Panel({
  title,
  testId,
  children,
  query,
}: {
  title: string;
  testId: string;
  children: ReactNode;
  query?: { isPending: boolean; isError: boolean; error: unknown };
}) {
  const id = `${testId}-title`;
  return (
    <section className="ds-card analytics-panel" aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="card-title">
        {title}
      </h2>
      {query?.isPending ? <Spinner label={`Loading ${title.toLowerCase()}`} /> : null}
      {query?.isError ? (
        <Alert tone="error">
          Could not load {title.toLowerCase()}: {errorText(query.error)}
        </Alert>
      ) : null}
      {!query || (!query.isPending && !query.isError) ? children : null}
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="analytics-stat" data-testid={testId}>
      <span className="analytics-stat__value">{value}</span>
      <span className="analytics-stat__label">{label}</span>
    </div>
  );
}

function RouteTable({ data }: { data: RequestAnalyticsDto }) {
  const columns: TableColumn<RequestAnalyticsDto['routes'][number]>[] = [
    { id: 'route', header: 'Route', isRowHeader: true, cell: (r) => <code>{`${r.method} ${r.endpoint}`}</code> },
    { id: 'n', header: 'Requests', cell: (r) => r.requests.toLocaleString() },
    { id: 'err', header: '5xx rate', cell: (r) => percent(r.errorRate) },
    { id: 'p50', header: 'p50', cell: (r) => msText(r.p50Ms) },
    { id: 'p95', header: 'p95', cell: (r) => msText(r.p95Ms) },
    { id: 'p99', header: 'p99', cell: (r) => msText(r.p99Ms) },
  ];
  return (
    <Table
      caption="Busiest routes"
      isCaptionVisible
      columns={columns}
      rows={data.routes}
      rowKey={(r) => `${r.method} ${r.endpoint}`}
    />
  );
}

function WorkflowTables({ data }: { data: ExecutionAnalyticsDto }) {
  const workflowColumns: TableColumn<ExecutionAnalyticsDto['workflows'][number]>[] = [
    {
      id: 'name',
      header: 'Workflow',
      isRowHeader: true,
      cell: (w) => <Link to={`/workflows/${w.workflowId}`}>{w.name}</Link>,
    },
    { id: 'runs', header: 'Runs', cell: (w) => w.total.toLocaleString() },
    {
      id: 'failed',
      header: 'Failed',
      cell: (w) =>
        w.failed > 0 ? (
          <Link to={`/executions?workflowId=${w.workflowId}&status=failed`} data-testid="drill-failed-runs">
            {w.failed.toLocaleString()}
          </Link>
        ) : (
          '0'
        ),
    },
    { id: 'rate', header: 'Success rate', cell: (w) => percent(w.successRate) },
    { id: 'avg', header: 'Avg duration', cell: (w) => msText(w.avgDurationMs) },
  ];
  const nodeColumns: TableColumn<ExecutionAnalyticsDto['failingNodes'][number]>[] = [
    { id: 'node', header: 'Node', isRowHeader: true, cell: (n) => <code>{n.nodeId}</code> },
    { id: 'type', header: 'Type', cell: (n) => n.nodeType },
    { id: 'wf', header: 'Workflow', cell: (n) => <Link to={`/workflows/${n.workflowId}`}>{n.workflowName}</Link> },
    {
      id: 'failures',
      header: 'Failures',
      cell: (n) => <Link to={`/executions?workflowId=${n.workflowId}&status=failed`}>{n.failures.toLocaleString()}</Link>,
    },
  ];
  const stepColumns: TableColumn<ExecutionAnalyticsDto['steps'][number]>[] = [
    { id: 'type', header: 'Node type', isRowHeader: true, cell: (s) => <code>{s.nodeType}</code> },
    { id: 'runs', header: 'Runs', cell: (s) => s.runs.toLocaleString() },
    { id: 'failed', header: 'Failed', cell: (s) => s.failed.toLocaleString() },
    { id: 'avg', header: 'Avg', cell: (s) => msText(s.avgDurationMs) },
    { id: 'p95', header: 'p95', cell: (s) => msText(s.p95DurationMs) },
  ];
  return (
    <div className="analytics-tables">
      <Table
        caption="Workflows with the most failures"
        isCaptionVisible
        columns={workflowColumns}
        rows={data.workflows}
        rowKey={(w) => w.workflowId}
      />
      <Table
        caption="Failing nodes"
        isCaptionVisible
        columns={nodeColumns}
        rows={data.failingNodes}
        rowKey={(n) => `${n.workflowId}:${n.nodeId}`}
      />
      <Table
        caption={`Step durations by node type (latest ${data.stepsSampleRuns.toLocaleString()} runs)`}
        isCaptionVisible
        columns={stepColumns}
        rows={data.steps}
        rowKey={(s) => s.nodeType}
      />
    </div>
  );
}

function ModelTable({ data }: { data: AiAnalyticsDto }) {
  const columns: TableColumn<AiAnalyticsDto['models'][number]>[] = [
    { id: 'model', header: 'Model', isRowHeader: true, cell: (m) => <code>{m.model}</code> },
    { id: 'calls', header: 'Calls', cell: (m) => m.calls.toLocaleString() },
    {
      id: 'tokens',
      header: 'Tokens in / out',
      cell: (m) => `${m.inputTokens.toLocaleString()} / ${m.outputTokens.toLocaleString()}`,
    },
    { id: 'cost', header: 'Cost', cell: (m) => `$${Number(m.costUsd).toFixed(4)}` },
    { id: 'latency', header: 'Avg latency', cell: (m) => msText(m.avgLatencyMs) },
  ];
  return (
    <Table
      caption="Cost by provider and model"
      isCaptionVisible
      columns={columns}
      rows={data.models}
      rowKey={(m) => `${m.provider}:${m.model}`}
    />
  );
}

/**
 * `/analytics`: how the organization's API traffic, workflows and AI spend are doing over a time
 * range (in the URL); charts drill down to the executions and errors behind them.
 */
export function AnalyticsRoute() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const raw = params.get('range') ?? '24h';
  const range: AnalyticsRangeKey = isAnalyticsRange(raw) ? raw : '24h';
  const requests = useRequestAnalytics(range);
  const executions = useExecutionAnalytics(range);
  const ai = useAiAnalytics(range);
  const errors = useErrorAnalytics(range);
  const executionsRange = range === '1h' ? '1h' : range;

  return (
    <>
      <PageHeader
        title="Analytics"
        description="API traffic, workflow runs, AI spend and errors of your organization. Click a chart to open the runs or errors behind it."
      />
      <div className="analytics-toolbar">
        <Select
          label="Time range"
          value={range}
          data-testid="analytics-range"
          options={ANALYTICS_RANGES.map((value) => ({ value, label: ANALYTICS_RANGE_LABELS[value] }))}
          onChange={(event) => setParams({ range: event.target.value }, { replace: true })}
        />
      </div>
      <div className="analytics-stats" data-testid="analytics-stats">
        <Stat
          label="API requests"
          value={requests.data ? requests.data.totals.requests.toLocaleString() : '…'}
          testId="stat-requests"
        />
        <Stat label="5xx error rate" value={requests.data ? percent(requests.data.totals.errorRate) : '…'} />
        <Stat label="Latency p95" value={requests.data ? msText(requests.data.totals.p95Ms) : '…'} />
        <Stat
          label="Executions"
          value={executions.data ? executions.data.totals.total.toLocaleString() : '…'}
          testId="stat-executions"
        />
        <Stat
          label="Success rate"
          value={executions.data ? percent(executions.data.totals.successRate) : '…'}
          testId="stat-success-rate"
        />
        <Stat label="AI cost" value={ai.data ? `$${Number(ai.data.totals.costUsd).toFixed(2)}` : '…'} />
      </div>
      <div className="analytics-grid">
        <Panel title="Requests" testId="analytics-requests" query={requests}>
          {requests.data ? <RequestsChart data={requests.data} onSelect={() => void navigate('/errors?source=api')} /> : null}
        </Panel>
        <Panel title="Latency" testId="analytics-latency" query={requests}>
          {requests.data ? <LatencyChart data={requests.data} /> : null}
        </Panel>
        <Panel title="Executions" testId="analytics-executions" query={executions}>
          {executions.data ? (
            <ExecutionsChart
              data={executions.data}
              onSelect={() => void navigate(`/executions?status=failed&range=${executionsRange}`)}
            />
          ) : null}
        </Panel>
        <Panel title="AI usage" testId="analytics-ai" query={ai}>
          {ai.data ? <AiCostChart data={ai.data} /> : null}
        </Panel>
        <Panel title="Errors" testId="analytics-errors" query={errors}>
          {errors.data ? (
            <>
              <ErrorsChart data={errors.data} onSelect={() => void navigate('/errors')} />
              <ul className="analytics-top-errors">
                {errors.data.groups.slice(0, 5).map((g) => (
                  <li key={g.id}>
                    <Link to={`/errors/${g.id}`}>{g.title}</Link> <span className="muted small">({g.occurrences})</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Panel>
      </div>
      {requests.data ? (
        <section className="ds-card analytics-panel" aria-label="Routes">
          <RouteTable data={requests.data} />
        </section>
      ) : null}
      {executions.data ? (
        <section className="ds-card analytics-panel" aria-label="Workflows and nodes">
          <WorkflowTables data={executions.data} />
        </section>
      ) : null}
      {ai.data ? (
        <section className="ds-card analytics-panel" aria-label="AI models">
          <ModelTable data={ai.data} />
        </section>
      ) : null}
    </>
  );
}
