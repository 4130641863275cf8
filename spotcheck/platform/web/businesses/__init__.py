"""企业账户的网页: a business's sign-in, claim, home and people, and the platform administrator's reset."""
