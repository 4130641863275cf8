"""执法检查人员名录库: the inspector directory and recusals (回避)."""
