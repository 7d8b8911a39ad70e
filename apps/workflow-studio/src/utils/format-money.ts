const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});
// Sub-cent amounts (one AI call) keep three significant digits instead of rounding to $0.00.
const smallUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/**
 * A decimal USD string from the API (`"0.000125"`, `"15"`) for display: `$0.000125`, `$15.00`. The
 * number is only formatted here, never used for arithmetic; the raw text comes back if it does not parse.
 */
export function formatUsd(amount: string): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  if (value !== 0 && Math.abs(value) < 0.01) return smallUsd.format(value);
  return usd.format(value);
}

/** `12,345` (tokens, calls) in the viewer's locale. */
export function formatCount(count: number): string {
  return integer.format(count);
}

// The API sends USD with at most 10 decimals; sums are exact in units of 1e-10.
const SCALE_DIGITS = 10;
const USD_PATTERN = /^(\d{1,12})(?:\.(\d{1,10}))?$/;

/** The exact sum of decimal USD strings (`"0.1"` + `"0.2"` is `"0.3"`); strings that do not parse are skipped. */
export function sumUsd(amounts: readonly string[]): string {
  let total = 0n;
  for (const amount of amounts) {
    const match = USD_PATTERN.exec(amount.trim());
    if (!match) continue;
    total += BigInt(match[1] ?? '0') * 10n ** BigInt(SCALE_DIGITS) + BigInt((match[2] ?? '').padEnd(SCALE_DIGITS, '0'));
  }
  const text = total.toString().padStart(SCALE_DIGITS + 1, '0');
  const whole = text.slice(0, -SCALE_DIGITS);
  const fraction = text.slice(-SCALE_DIGITS).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
