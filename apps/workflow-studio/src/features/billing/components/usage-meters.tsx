import type { UsageMeter } from '@auterity/workflow-contracts';
import { formatMetric, METRIC_LABELS } from '../utils/billing-format';
import '../billing.css';

function toneOf(percent: number): 'ok' | 'warning' | 'danger' {
  if (percent >= 100) return 'danger';
  if (percent >= 80) return 'warning';
  return 'ok';
}

interface UsageMetersProps {
  meters: readonly UsageMeter[];
  /** Only the metrics the plan limits (the dashboard); all of them otherwise. */
  limitedOnly?: boolean;
}

/** The period's usage against the plan: one labelled bar per limited metric, plain counts for the rest. */
export function UsageMeters({ meters, limitedOnly = false }: UsageMetersProps) {
  const shown = limitedOnly ? meters.filter((m) => m.limit !== null || m.metric === 'executions') : meters;
  return (
    <ul className="usage-meters" data-testid="usage-meters">
      {shown.map((meter) => {
        const label = METRIC_LABELS[meter.metric];
        const used = formatMetric(meter.metric, meter.used);
        if (meter.limit === null) {
          return (
            <li key={meter.metric} className="usage-meter" data-testid={`usage-meter-${meter.metric}`}>
              <span className="usage-meter__label">{label}</span>
              <span className="usage-meter__text">
                <strong>{used}</strong> · unlimited
              </span>
            </li>
          );
        }
        const percent = meter.limit === 0 ? 100 : Math.min(100, (meter.used / meter.limit) * 100);
        const limit = formatMetric(meter.metric, meter.limit);
        return (
          <li key={meter.metric} className="usage-meter" data-testid={`usage-meter-${meter.metric}`}>
            <span className="usage-meter__label">{label}</span>
            <div
              className={`usage-meter__bar usage-meter__bar--${toneOf(percent)}`}
              role="progressbar"
              aria-label={label}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(percent)}
              aria-valuetext={`${used} of ${limit}`}
            >
              <span className="usage-meter__fill" style={{ width: `${percent}%` }} />
            </div>
            <span className="usage-meter__text">
              <strong>{used}</strong> of {limit}
              {percent >= 100 ? ' · limit reached' : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
