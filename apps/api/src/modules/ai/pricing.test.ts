import { callCost, formatUsd, parseUsd } from './pricing';

describe('callCost', () => {
  it.each([
    // [input tokens, output tokens, USD per million in, USD per million out, expected USD]
    [11, 7, '0.15', '0.6', '0.00000585'],
    [1, 0, '0.15', '0.6', '0.00000015'],
    [0, 1, '0.0375', '0.15', '0.00000015'],
    [1, 1, '0.000001', '0.000001', '0.000000000002'],
    [1_000_000, 1_000_000, '2.5', '10', '12.5'],
    [0, 0, '75', '75', '0'],
    [123_456, 7_890, '0.27', '1.1', '0.04201212'],
    // Float arithmetic would round this; BigInt picodollars keep every digit.
    [Number.MAX_SAFE_INTEGER, 0, '1', '0', '9007199254.740991'],
  ])('%i in + %i out at $%s / $%s per MTok = $%s', (input, output, inputPerMTok, outputPerMTok, expected) => {
    const cost = callCost({ input, output }, { inputPerMTok, outputPerMTok });

    expect(formatUsd(cost)).toBe(expected);
  });

  it('counts in picodollars: a price per million tokens is that many picodollars per token', () => {
    expect(callCost({ input: 1, output: 0 }, { inputPerMTok: '1', outputPerMTok: '0' })).toBe(1_000_000n);
    expect(callCost({ input: 3, output: 2 }, { inputPerMTok: '0.15', outputPerMTok: '0.6' })).toBe(1_650_000n);
  });

  it('reads prices to 6 decimals, as the catalog stores them, and ignores digits beyond', () => {
    const exact = callCost({ input: 1_000_000, output: 0 }, { inputPerMTok: '0.123456', outputPerMTok: '0' });
    const longer = callCost({ input: 1_000_000, output: 0 }, { inputPerMTok: '0.1234569', outputPerMTok: '0' });

    expect(formatUsd(exact)).toBe('0.123456');
    expect(longer).toBe(exact);
  });

  it('accepts the catalog text form of numeric columns (trailing zeros, surrounding spaces)', () => {
    expect(callCost({ input: 2, output: 2 }, { inputPerMTok: '0.150000', outputPerMTok: ' 0.600000 ' })).toBe(1_500_000n);
  });

  it.each(['', 'abc', '-0.15', '1e-6', '.5', '5.', '0,15', 'NaN'])('refuses the price %p', (price) => {
    expect(() => callCost({ input: 1, output: 1 }, { inputPerMTok: price, outputPerMTok: '0' })).toThrow(
      `Not a decimal amount: ${price}`,
    );
  });
});

describe('formatUsd', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000000000001'],
    [1_050_000n, '0.00000105'],
    [3_000_000_000_000n, '3'],
    [12_500_000_000_000n, '12.5'],
    [-500_000_000_000n, '-0.5'],
    [-1n, '-0.000000000001'],
    [123_456_789_012_345_678n, '123456.789012345678'],
  ])('%p picodollars is $%s', (picos, expected) => {
    expect(formatUsd(picos)).toBe(expected);
  });
});

describe('parseUsd', () => {
  it.each([
    ['0', 0n],
    ['10', 10_000_000_000_000n],
    ['0.0001', 100_000_000n],
    ['0.000005850000', 5_850_000n],
    ['12.5', 12_500_000_000_000n],
    ['0.000000000001', 1n],
    // Sub-picodollar digits are dropped (never rounded up into a budget).
    ['0.0000000000019', 1n],
  ])('$%s is %p picodollars', (amount, expected) => {
    expect(parseUsd(amount)).toBe(expected);
  });

  it.each(['0', '3', '0.00000585', '123456.789012345678'])('round-trips $%s through formatUsd', (amount) => {
    expect(formatUsd(parseUsd(amount))).toBe(amount);
  });

  it('normalizes database text (numeric scale padding)', () => {
    expect(formatUsd(parseUsd('10.000000000000'))).toBe('10');
    expect(formatUsd(parseUsd('0.5000'))).toBe('0.5');
  });

  it.each(['', ' ', 'ten', '-1', '1.2.3', '$5'])('refuses %p', (amount) => {
    expect(() => parseUsd(amount)).toThrow('Not a decimal amount');
  });
});
