"""抽查任务: spot-check campaigns and their two verifiable draws (双随机)."""
