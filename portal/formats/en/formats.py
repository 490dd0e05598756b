"""English dates as the curated text writes them, day month year ("21 April 2026"), with 24-hour times ("19:16").

The readers are Australian and US firms reading about Japan: Django's US defaults ("April 21, 2026", "Dec. 5, 2026,
7:16 p.m.") sat beside the curated "21 April 2026", sometimes on one line. Day month year with the month in words
reads the same to both, and 24-hour times match the Japanese pages' 16:16. Every format not named here is Django's
English one (`FORMAT_MODULE_PATH` in portal/settings.py).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, G:i"
TIME_FORMAT = "G:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, G:i"
