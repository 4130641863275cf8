"""一单: the spot-check item list (随机抽查事项清单), versioned."""
