"""Files of the official calendar (法定节假日安排) as an administrator enters them."""

from __future__ import annotations

#: A year's file as the administrator enters it from the notice (an invented 2027: the real notice
#: is not out yet). New Year's Day falls on a Friday; the Spring Festival is 6–12 February with
#: Sunday 31 January and Saturday 20 February worked.
FILE_2027 = "".join(
    f"{day}\t{kind}\t{name}\n"
    for day, kind, name in [
        ("2027-01-01", "holiday", "元旦"),
        ("2027-01-31", "workday", "春节"),
        *[(f"2027-02-{d:02d}", "holiday", "春节") for d in range(6, 13)],
        ("2027-02-20", "workday", "春节"),
    ]
)
