"""Which days the diary chart spans, and how its axis names them."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services import chart_days

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def window(last: date, n: int = 30) -> list[date]:
    return [last - timedelta(days=n - 1 - i) for i in range(n)]


def test_a_young_diary_is_drawn_from_its_first_day_and_at_least_a_week() -> None:
    days = window(date(2026, 12, 2))
    assert chart_days.span(days, None) == 0
    assert chart_days.span(days, date(2026, 10, 1)) == 0  # older than the window: all 30 days
    assert days[chart_days.span(days, date(2026, 11, 20))] == date(2026, 11, 20)
    assert len(days[chart_days.span(days, date(2026, 11, 30)) :]) == 7  # 3 days old: a week
    assert len(days[chart_days.span(days, date(2026, 12, 2)) :]) == 7


def test_ticks_are_daily_on_a_week_weekly_on_a_month_and_today_is_always_named() -> None:
    week = window(date(2026, 12, 2), 7)
    assert chart_days.labels(week, MONTHS) == ("26 Nov", "27 Nov", "28 Nov", "29 Nov", "30 Nov", "1 Dec", "2 Dec")
    month = chart_days.labels(window(date(2026, 12, 2)), MONTHS)
    assert [label for label in month if label] == ["4 Nov", "11 Nov", "18 Nov", "25 Nov", "2 Dec"]


def test_the_year_shows_where_the_span_crosses_one() -> None:
    month = chart_days.labels(window(date(2027, 1, 10)), MONTHS)
    assert [label for label in month if label] == ["13 Dec\n2026", "20 Dec", "27 Dec", "3 Jan\n2027", "10 Jan"]
    assert all("\n" not in label for label in chart_days.labels(window(date(2026, 12, 2)), MONTHS))
