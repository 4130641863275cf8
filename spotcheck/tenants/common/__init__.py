"""公共: what every domain shares — code tables and names (代码表、名称), validators (校验), numbered pages (分页),
document numbers (文号)."""
