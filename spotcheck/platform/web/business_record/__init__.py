"""企业检查档案的网页: the business's own page with its record of checks."""
