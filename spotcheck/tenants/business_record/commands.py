"""The business's own record changes nothing (企业检查档案只读): its answers to rectification orders (整改答复) are
the next step, and will live here. The record itself is :mod:`.queries`."""
