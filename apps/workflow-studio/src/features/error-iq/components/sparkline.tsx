interface SparklineProps {
  /** Counts, oldest first. */
  values: readonly number[];
  /** What the values are, for assistive technology ("occurrences per hour, last 24 hours"). */
  label: string;
  width?: number;
  height?: number;
}

/** A tiny trend line (SVG); its accessible name says the total and the peak. */
export function Sparkline({ values, label, width = 96, height = 24 }: SparklineProps) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${total} in total, at most ${Math.max(0, ...values)} at once`}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
