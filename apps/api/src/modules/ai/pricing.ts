/**
 * Exact money arithmetic for AI calls. Prices are USD per million tokens with at most 6 decimals;
 * a call's cost is tokens × price / 1e6, so 12 decimals hold it exactly. Amounts are BigInts of
 * 1e-12 USD ("picodollars") and decimal strings at the edges; never floats.
 */
const SCALE = 12;
const PRICE_DECIMALS = 6;

/** A decimal string (`"0.15"`, `"12"`) as an integer of 10^-`decimals` units. */
function toUnits(amount: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match?.[1]) throw new Error(`Not a decimal amount: ${amount}`);
  const fraction = (match[2] ?? '').slice(0, decimals).padEnd(decimals, '0');
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt(fraction);
}

/** Picodollars as a decimal string without trailing zeros (`"0.00000105"`, `"3"`). */
export function formatUsd(picos: bigint): string {
  const negative = picos < 0n;
  const abs = negative ? -picos : picos;
  const whole = abs / 10n ** BigInt(SCALE);
  const fraction = (abs % 10n ** BigInt(SCALE)).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A USD decimal string as picodollars. */
export function parseUsd(amount: string): bigint {
  return toUnits(amount, SCALE);
}

/** The cost of one call: input and output tokens at the catalog's prices per million tokens. */
export function callCost(
  tokens: { input: number; output: number },
  prices: { inputPerMTok: string; outputPerMTok: string },
): bigint {
  // price units are 1e-6 USD per 1e6 tokens = 1e-12 USD per token: exactly picodollars per token.
  return (
    BigInt(tokens.input) * toUnits(prices.inputPerMTok, PRICE_DECIMALS) +
    BigInt(tokens.output) * toUnits(prices.outputPerMTok, PRICE_DECIMALS)
  );
}
