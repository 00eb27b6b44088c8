// Orders per click, as shown beside a creator's figures: a decimal string with 4 decimals,
// rounded half up (a display ratio, not money), or null when there were no clicks to divide by.
export function conversionRate(orders: number, clicks: bigint): string | null {
  if (clicks === 0n) return null;
  const scaled = (BigInt(orders) * 20_000n + clicks) / (2n * clicks);
  const text = scaled.toString().padStart(5, '0');
  return `${text.slice(0, -4)}.${text.slice(-4)}`;
}
