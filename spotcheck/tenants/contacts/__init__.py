"""The department's 负责人 and 联络员 of 双随机、一公开 (seed 003 附件5)."""
