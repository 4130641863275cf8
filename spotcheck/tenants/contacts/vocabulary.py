"""The words of the department's contacts (负责人和联络员 of “双随机、一公开”, seed 003 附件5): the two
roles, the fields, and what a phone number looks like."""

from __future__ import annotations

import re

#: The two contacts, in the seed's order and words.
ROLES = {"responsible": "负责人", "liaison": "联络员"}
FIELDS = ("name", "post", "office_phone", "mobile")
FIELD_NAMES = {"name": "姓名", "post": "职务", "office_phone": "办公电话", "mobile": "手机"}

#: A mainland mobile number.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
#: An office phone: digits, an area code in brackets or with a hyphen, an extension after a hyphen
#: or 转 (7622333, 0571-87654321, (023)59220329, 0571-87654321-8001, 0571-87654321转8001).
OFFICE_PHONE = re.compile(r"^(\(0\d{2,3}\)|0\d{2,3}-?)?\d{7,8}((-|转)\d{1,6})?$")
LIMITS = {"name": 50, "post": 100}
