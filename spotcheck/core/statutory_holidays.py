"""The public holidays the law fixes (法定节假日), for a year whose official calendar is not entered yet.

Since its 2024 revision (国务院令第795号, in force from 1 January 2025), 《全国年节及纪念日放假办法》
第二条 gives every citizen 13 days off a year, on fixed dates:

===========  =====  ==========================================
holiday      days   dates
===========  =====  ==========================================
元旦          1      1月1日
春节          4      农历除夕、正月初一至初三
清明节        1      农历清明当日 (the solar term)
劳动节        2      5月1日、2日
端午节        1      农历端午当日 (五月初五)
中秋节        1      农历中秋当日 (八月十五)
国庆节        3      10月1日至3日
===========  =====  ==========================================

What the law does not fix is the year's 调休 — which weekends are worked to join the days into
longer breaks, and the weekdays taken off in exchange. The State Council publishes that each
autumn (国务院办公厅关于XXXX年部分节假日安排的通知), and it is entered as the year's official calendar
(:mod:`spotcheck.core.official_calendar`). Until then the working-day counting
(:mod:`spotcheck.core.calendar`) takes these days off and Monday–Friday otherwise, and says the
date is provisional.

The lunar dates are computed with ``lunar-python`` (寿星天文历 algorithms, pure Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

#: The law these days come from, as a refusal or a note cites it.
LAW = "《全国年节及纪念日放假办法》（2024年修订）第二条"
#: The first year the 2024 revision applies to.
FIRST_YEAR = 2025
#: The range the lunar tables are computed for.
LAST_YEAR = 2099


@dataclass(frozen=True)
class StatutoryDay:
    day: date
    name: str


def _lunar(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar  # the lunar tables: loaded only when a year not entered is counted

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    from lunar_python import Solar  # as above

    for day in range(3, 7):  # 清明 falls on 4, 5 or 6 April (3 April in some years of the 22nd century)
        if Solar.fromYmd(year, 4, day).getLunar().getJieQi() == "清明":
            return date(year, 4, day)
    raise ValueError(f"no 清明 found in April {year}")


@lru_cache(maxsize=256)
def statutory_days(year: int) -> tuple[StatutoryDay, ...]:
    """The 13 days off the law fixes in ``year`` (empty before :data:`FIRST_YEAR` and after
    :data:`LAST_YEAR`), by date."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return ()
    new_year = _lunar(year, 1, 1)  # 正月初一 of the lunar year that starts in this calendar year
    days = [
        StatutoryDay(date(year, 1, 1), "元旦"),
        *(StatutoryDay(new_year + timedelta(days=n), "春节") for n in range(-1, 3)),  # 除夕 to 初三
        StatutoryDay(_qingming(year), "清明节"),
        StatutoryDay(date(year, 5, 1), "劳动节"),
        StatutoryDay(date(year, 5, 2), "劳动节"),
        StatutoryDay(_lunar(year, 5, 5), "端午节"),
        StatutoryDay(_lunar(year, 8, 15), "中秋节"),
        *(StatutoryDay(date(year, 10, d), "国庆节") for d in (1, 2, 3)),
    ]
    return tuple(sorted(days, key=lambda d: d.day))


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> frozenset[date]:
    """The dates of :func:`statutory_days`."""
    return frozenset(d.day for d in statutory_days(year))


def nearest_holiday(day: date, *, within: int = 31) -> str:
    """The name of the statutory holiday nearest ``day`` (within ``within`` days), or "" — what a
    line of a notice that names no holiday is about."""
    candidates = [d for year in (day.year - 1, day.year, day.year + 1) for d in statutory_days(year)]
    best = min(candidates, key=lambda d: abs((d.day - day).days), default=None)
    return best.name if best is not None and abs((best.day - day).days) <= within else ""
