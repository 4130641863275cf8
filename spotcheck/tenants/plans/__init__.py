"""年度检查计划: annual (and half-year) inspection plans, filed with the justice bureau (备案)."""
