"""部门与用户: the departments (部门), their users (用户), sign-in, sessions and API tokens."""
