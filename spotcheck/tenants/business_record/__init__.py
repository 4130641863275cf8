"""The business's own record (企业检查档案): every check of every department at every level of one business (a
registry entity) — coming (检查预告), under way (检查中), past (检查结果, as published) — its yearly cap ledger
(本年度检查次数台账) and what became of its requests (回避申请、投诉、评价).

Read as the public code page is (:mod:`spotcheck.tenants.results.code_lookup`): one audited system look-up of the
business's (department, visit) pairs (:mod:`.lookup`), then those departments' rows, read together in a scope of
exactly them and restricted to those visits (:mod:`.queries`); the business answers a rectification order its record
shows (整改答复, :mod:`.commands`). No page, no sign-in here: the business's principal and its pages are built
on top of :func:`.queries.record_of`."""
