# transform(record) gets one order and returns the enriched order, a list of records, or None to drop it.
# rate(currency) is a lookup table bound by the host (--lookup rate=rates.json).
def transform(order):
    if order["amount"] <= 0:
        return None
    usd = round(order["amount"] * rate(order["currency"]), 2)
    return {**order, "amount_usd": usd, "tier": "gold" if usd > 500 else "standard"}
