"""Supervision (监督) by the justice bureau (司法局): every department's progress read across
departments, the filing archive (备案审核), notices of criticism (通报), the seeds' statistical
tables and the yearly assessment (考核).

Everything here reads other departments' rows only in the scope :func:`.policy.across` gives — the
one cross-department path (:func:`spotcheck.core.scoping.cross_tenant`), opened by a query (or by
:func:`.policy.reading` in a command or a job) with an audit entry per read; a department leader
reads the same figures of their own department in their own scope.
"""
