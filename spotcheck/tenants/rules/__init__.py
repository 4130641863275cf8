"""一细则: each department's implementation rules document."""
