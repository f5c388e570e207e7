# transform(record) gets one order and returns the enriched order, a list of records, or None to drop it.
# rate(currency) looks up a table the host passes in (--lookup rate=rates.json); it answers inside the sandbox.
def transform(order):
    if order["amount"] <= 0:
        return None
    usd = round(order["amount"] * rate(order["currency"]), 2)
    return {**order, "amount_usd": usd, "tier": "gold" if usd > 500 else "standard"}
