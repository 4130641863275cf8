"""Visits, results, review and publication (检查结果与公示)."""
