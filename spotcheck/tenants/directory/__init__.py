"""检查对象名录库: the market-entity registry and each department's target directory."""
