"""Supervision (监督) by the justice bureau (司法局): every department's progress read across
departments, the filing archive (备案审核), notices of criticism (通报), the seeds' statistical
tables and the yearly assessment (考核).

Everything here reads other departments' rows only through :func:`access.reading`, which is the
one cross-department path (:func:`spotcheck.core.scoping.cross_tenant`) plus an audit entry per
read; a department leader reads the same figures of their own department in their own scope.
"""
