"""The shared platform: app factory, configuration, auth, roles, audit, API, web shell."""
