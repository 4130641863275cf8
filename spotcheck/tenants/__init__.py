"""Tenancy and each department's own data (部门数据)."""
