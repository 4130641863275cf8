"""The results' limits (检查结果字段长度): one place for the lengths the commands and the API check."""

#: The longest findings per item, record per visit, and reason (退回、更正、日期更正), in characters.
FINDINGS_LENGTH, RECORD_LENGTH, REASON_LENGTH = 2000, 10000, 500
