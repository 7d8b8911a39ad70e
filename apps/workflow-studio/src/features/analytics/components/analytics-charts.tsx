import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AiAnalyticsDto, AnalyticsBucket, ExecutionAnalyticsDto, RequestAnalyticsDto } from '@auterity/workflow-contracts';

const COLORS = {
  primary: 'var(--ds-color-primary)',
  success: 'var(--ds-color-success)',
  danger: 'var(--ds-color-danger)',
  warning: 'var(--ds-color-warning)',
  info: 'var(--ds-color-info)',
  muted: 'var(--ds-color-text-muted)',
};
const AXIS = { stroke: 'var(--ds-color-text-muted)', fontSize: 12 };
const CHART_HEIGHT = 220;

/** Tick label of a bucket start: time of day for minutes and hours, the date for days. */
export function formatBucket(iso: string, bucket: AnalyticsBucket): string {
  const date = new Date(iso);
  return bucket === 'day'
    ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

interface ChartProps<T> {
  data: T;
  /** Called with the bucket start of the clicked point (drill-down). */
  onSelect?: (t: string) => void;
}

/** The clicked bucket from recharts' chart click state (activeLabel is the x value). */
function handleClick(onSelect: ((t: string) => void) | undefined) {
  return (state: { activeLabel?: string | number | undefined } | null) => {
    const label = state?.activeLabel;
    if (onSelect && typeof label === 'string') onSelect(label);
  };
}

/** A chart with a text summary for assistive technology (the SVG itself is hidden from it). */
function ChartFrame({ label, summary, children }: { label: string; summary: string; children: React.ReactElement }) {
  return (
    <figure className="analytics-chart" aria-label={label}>
      <div aria-hidden="true" style={{ width: '100%', height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
      <figcaption className="ds-visually-hidden">{summary}</figcaption>
    </figure>
  );
}

export function RequestsChart({ data, onSelect }: ChartProps<RequestAnalyticsDto>) {
  const bucket = data.range.bucket;
  return (
    <ChartFrame
      label="Requests over time"
      summary={`${data.totals.requests} requests, ${data.totals.serverErrors} server errors, ${data.totals.clientErrors} client errors.`}
    >
      <AreaChart
        accessibilityLayer={false}
        data={data.series}
        onClick={handleClick(onSelect)}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ds-color-border)" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatBucket(t, bucket)} {...AXIS} minTickGap={24} />
        <YAxis allowDecimals={false} {...AXIS} width={48} />
        <Tooltip labelFormatter={(t) => formatBucket(String(t), bucket)} />
        <Legend />
        <Area
          isAnimationActive={false}
          type="monotone"
          dataKey="requests"
          name="Requests"
          stroke={COLORS.primary}
          fill={COLORS.primary}
          fillOpacity={0.15}
        />
        <Area
          isAnimationActive={false}
          type="monotone"
          dataKey="clientErrors"
          name="4xx"
          stroke={COLORS.warning}
          fill={COLORS.warning}
          fillOpacity={0.2}
        />
        <Area
          isAnimationActive={false}
          type="monotone"
          dataKey="serverErrors"
          name="5xx"
          stroke={COLORS.danger}
          fill={COLORS.danger}
          fillOpacity={0.3}
        />
      </AreaChart>
    </ChartFrame>
  );
}

export function LatencyChart({ data }: ChartProps<RequestAnalyticsDto>) {
  const bucket = data.range.bucket;
  const { p50Ms, p95Ms, p99Ms } = data.totals;
  // A line needs two points: with fewer measured buckets, dots keep the values visible.
  const dot = data.series.filter((p) => p.p50Ms !== null).length < 2 ? { r: 3 } : false;
  return (
    <ChartFrame
      label="Latency percentiles over time"
      summary={`Latency p50 ${p50Ms ?? '–'} ms, p95 ${p95Ms ?? '–'} ms, p99 ${p99Ms ?? '–'} ms.`}
    >
      <LineChart accessibilityLayer={false} data={data.series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ds-color-border)" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatBucket(t, bucket)} {...AXIS} minTickGap={24} />
        <YAxis unit=" ms" {...AXIS} width={64} />
        <Tooltip labelFormatter={(t) => formatBucket(String(t), bucket)} />
        <Legend />
        <Line
          isAnimationActive={false}
          type="monotone"
          dataKey="p50Ms"
          name="p50"
          stroke={COLORS.success}
          dot={dot}
          connectNulls
        />
        <Line
          isAnimationActive={false}
          type="monotone"
          dataKey="p95Ms"
          name="p95"
          stroke={COLORS.warning}
          dot={dot}
          connectNulls
        />
        <Line
          isAnimationActive={false}
          type="monotone"
          dataKey="p99Ms"
          name="p99"
          stroke={COLORS.danger}
          dot={dot}
          connectNulls
        />
      </LineChart>
    </ChartFrame>
  );
}

export function ExecutionsChart({ data, onSelect }: ChartProps<ExecutionAnalyticsDto>) {
  const bucket = data.range.bucket;
  const { total, succeeded, failed, timedOut } = data.totals;
  return (
    <ChartFrame
      label="Executions by status over time"
      summary={`${total} executions: ${succeeded} succeeded, ${failed} failed, ${timedOut} timed out.`}
    >
      <BarChart
        accessibilityLayer={false}
        data={data.series}
        onClick={handleClick(onSelect)}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ds-color-border)" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatBucket(t, bucket)} {...AXIS} minTickGap={24} />
        <YAxis allowDecimals={false} {...AXIS} width={48} />
        <Tooltip labelFormatter={(t) => formatBucket(String(t), bucket)} cursor={{ fill: 'var(--ds-color-surface-muted)' }} />
        <Legend />
        <Bar isAnimationActive={false} dataKey="succeeded" name="Succeeded" stackId="s" fill={COLORS.success} />
        <Bar
          isAnimationActive={false}
          dataKey="failed"
          name="Failed or timed out"
          stackId="s"
          fill={COLORS.danger}
          cursor="pointer"
        />
        <Bar isAnimationActive={false} dataKey="other" name="Other" stackId="s" fill={COLORS.muted} />
      </BarChart>
    </ChartFrame>
  );
}

export function AiCostChart({ data }: ChartProps<AiAnalyticsDto>) {
  const bucket = data.range.bucket;
  const series = data.series.map((s) => ({ ...s, cost: Number(s.costUsd) }));
  return (
    <ChartFrame
      label="AI calls and cost over time"
      summary={`${data.totals.calls} AI calls, ${data.totals.inputTokens + data.totals.outputTokens} tokens, $${data.totals.costUsd}.`}
    >
      <BarChart accessibilityLayer={false} data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ds-color-border)" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatBucket(t, bucket)} {...AXIS} minTickGap={24} />
        <YAxis yAxisId="calls" allowDecimals={false} {...AXIS} width={48} />
        <YAxis yAxisId="cost" orientation="right" {...AXIS} width={64} tickFormatter={(v: number) => `$${v.toFixed(2)}`} />
        <Tooltip labelFormatter={(t) => formatBucket(String(t), bucket)} cursor={{ fill: 'var(--ds-color-surface-muted)' }} />
        <Legend />
        <Bar isAnimationActive={false} yAxisId="calls" dataKey="calls" name="Calls" fill={COLORS.info} />
        <Bar isAnimationActive={false} yAxisId="cost" dataKey="cost" name="Cost (USD)" fill={COLORS.primary} />
      </BarChart>
    </ChartFrame>
  );
}

export function ErrorsChart({
  data,
  onSelect,
}: ChartProps<{ range: { bucket: AnalyticsBucket }; series: { t: string; occurrences: number }[] }>) {
  const bucket = data.range.bucket;
  const total = data.series.reduce((a, s) => a + s.occurrences, 0);
  return (
    <ChartFrame label="Captured errors over time" summary={`${total} errors captured.`}>
      <BarChart
        accessibilityLayer={false}
        data={data.series}
        onClick={handleClick(onSelect)}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ds-color-border)" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatBucket(t, bucket)} {...AXIS} minTickGap={24} />
        <YAxis allowDecimals={false} {...AXIS} width={48} />
        <Tooltip labelFormatter={(t) => formatBucket(String(t), bucket)} cursor={{ fill: 'var(--ds-color-surface-muted)' }} />
        <Bar isAnimationActive={false} dataKey="occurrences" name="Errors" fill={COLORS.danger} cursor="pointer" />
      </BarChart>
    </ChartFrame>
  );
}
