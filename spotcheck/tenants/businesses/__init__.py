"""企业账户: a business (by its 统一社会信用代码) signed in as itself — its account, its people, their sessions."""
