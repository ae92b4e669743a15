"""ISO dates as day numbers, without datetime (MicroPython has none)."""


def day_number(iso):
    """Days since 1970-01-01 for 'YYYY-MM-DD' (proleptic Gregorian; Hinnant's days_from_civil)."""
    if not isinstance(iso, str) or len(iso) != 10 or iso[4] != "-" or iso[7] != "-":
        raise ValueError("日期格式应为 YYYY-MM-DD：" + str(iso))
    y, m, d = int(iso[0:4]), int(iso[5:7]), int(iso[8:10])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        raise ValueError("无效日期：" + iso)
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def iso_date(days):
    """Inverse of day_number (Hinnant's civil_from_days)."""
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    y = yoe + era * 400 + (m <= 2)
    return "%04d-%02d-%02d" % (y, m, d)


def add_days(iso, n):
    return iso_date(day_number(iso) + n)
