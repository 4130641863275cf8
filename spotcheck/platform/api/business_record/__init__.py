"""The business record domain's API: a business's own record of checks (企业检查档案)."""
