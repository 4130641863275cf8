"""审计日志: the audit trail as a department reads it."""
