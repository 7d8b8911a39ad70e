export interface SpinnerProps {
  /** What is loading, announced to screen readers. */
  label?: string;
  size?: 'sm' | 'md';
}

/** A loading indicator announced politely; the animation stops when the user prefers less motion. */
export function Spinner({ label = 'Loading', size = 'md' }: SpinnerProps) {
  return (
    <span className={`ds-spinner ds-spinner--${size}`} role="status">
      <span className="ds-spinner__circle" aria-hidden="true" />
      <span className="ds-visually-hidden">{label}</span>
    </span>
  );
}
