"""The businesses domain's API: a business person's own access tokens (访问令牌)."""
