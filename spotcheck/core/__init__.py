"""The domain kernel (内核), free of the web layer: domain errors, the clock and the working-day
calendar, the tenant scope, the audit trail, the permission policy and commands, file storage,
personal-data protection. Every other layer may use it; it imports none of them."""
