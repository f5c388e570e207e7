// transform(record) gets one order and returns the enriched order, an array of records, or null to drop it.
// rate(currency) looks up a table the host passes in (--lookup rate=rates.json); it answers inside the sandbox.
function transform(order) {
  if (order.amount <= 0) return null;
  const usd = Math.round(order.amount * rate(order.currency) * 100) / 100;
  return { ...order, amount_usd: usd, tier: usd > 500 ? 'gold' : 'standard' };
}
