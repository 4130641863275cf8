"""The inspector directory's words (两库 · 执法检查人员名录库): why an inspector is left out of a draw,
and the certificate states shown beside each one."""

from __future__ import annotations

#: Why an inspector is not in a draw's pool (the keys of the frame's published exclusion counts).
INACTIVE, CERTIFICATE_EXPIRED, NOT_QUALIFIED = "inactive", "certificate_expired", "not_qualified"
#: The state of an enforcement certificate on a day (执法证状态).
CERTIFICATE_STATES = ("expired", "expiring", "valid", "open")
