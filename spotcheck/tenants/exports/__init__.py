"""Export of published results to the credit system (信用信息共享 / 国家企业信用信息公示系统)."""
