"""The benchmark's figures as Markdown: printed by tools/bench.py and written into README.md between the
markers below (python -m tools.bench --readme), so the README never holds a figure typed by hand."""

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- bench:start (python -m tools.bench --readme writes this section from bench/results/latest.json) -->"
END = "<!-- bench:end -->"
SITES = (("baseline", "之前"), ("build", "本版"))


def spread(mr, unit="", digits=2, scale=1):
    """Median (min–max, n) of a median_range."""
    f = f"{{:.{digits}f}}"
    med, low, high = (f.format(mr[k] / scale) for k in ("median", "min", "max"))
    return f"{med}{unit}（{low}–{high}，n = {len(mr['runs'])}）"


def answer(a):
    """p50 and p95 of answer -> total written, with the painted figures after them (older results have none)."""
    text = f"p50 {a['p50_ms']} ms，p95 {a['p95_ms']} ms"
    painted = a.get("painted")
    return text + (f"（画出 p50 {painted['p50_ms']} ms，p95 {painted['p95_ms']} ms）" if painted else "")


def _kb(n):
    return f"{n / 1024:.0f} KB"


def rows(r):
    """(figure, {site: text}, target) for every figure the results hold."""
    out = []
    phone = r.get("phone", {}).get("sites", {})
    if phone:
        for mode, name in (("warm", "热启动"), ("cold", "冷启动")):
            target = "≤ 1.2 ×" if mode == "warm" else "≤ 1.5 ×"
            out.append(
                (
                    f"手机档{name}：首个分数 ÷ DOMContentLoaded",
                    {s: spread(d[mode]["ratio"], " ×") for s, d in phone.items()},
                    target,
                )
            )
            out.append(
                (
                    f"手机档{name}：首个分数（导航后）",
                    {s: spread(d[mode]["first_score_ms"], " ms", 0) for s, d in phone.items()},
                    "—",
                )
            )
        out.append(
            (
                "作答 → 新总分写入页面（页面 4 × CPU，worker 同样减速；括号里是画到屏幕上）",
                {s: f"{answer(d['answer_phone'])}（n = {d['answer_phone']['changes']}）" for s, d in phone.items()},
                "p95 ≤ 50 ms",
            )
        )
        out.append(
            (
                "作答 → 新总分写入页面（不减速；括号里是画到屏幕上）",
                {s: answer(d["answer_unthrottled"]) for s, d in phone.items()},
                "p95 ≤ 16 ms",
            )
        )
        out.append(
            (
                "首次搜索：点搜索 → 第一条结果（手机档，首次访问）",
                {s: spread(d["first_query_ms"], " ms", 0) for s, d in phone.items()},
                "≤ 1 s",
            )
        )
    for site, growth in r.get("growth", {}).items():
        for factor in ("1x", "4x"):
            g = growth[factor]
            key = f"内容页首次访问（{factor.replace('x', ' ×')} 页数）"
            _merge(
                out,
                key,
                site,
                f"{_kb(g['content_first_visit']['bytes'])}（{g['content_first_visit']['requests']} 个请求，{g['pages']} 页）",
                "< 150 KB",
            )
        g = growth["1x"]
        _merge(
            out,
            "离线预缓存（gzip）与 1.2 MB 预算的余量",
            site,
            f"{g['precache_files']} 个文件 {_kb(g['precache_gzip_bytes'])}，余量 {g['precache_headroom']:.0%}",
            "余量 ≥ 15 %",
        )
    if "build" in r and "lighthouse" in r:
        out.append(
            (
                "完整构建 ÷ 原版 Material 构建",
                {"build": f"{r['build']['site_s']} s ÷ {r['build']['plain_s']} s = {r['build']['ratio']} ×"},
                "≤ 3 ×",
            )
        )
        for page, sc in r["lighthouse"].items():
            out.append(
                (
                    f"Lighthouse {page}：性能 / 无障碍 / 最佳实践",
                    {"build": f"{sc['performance']} / {sc['accessibility']} / {sc['best-practices']}"},
                    "≥ 95 / 100 / ≥ 95",
                )
            )
    return out


def _merge(out, key, site, text, target):
    for figure, values, _ in out:
        if figure == key:
            values[site] = text
            return
    out.append((key, {site: text}, target))


def lines(r):
    """The Markdown: how it was measured, then the table."""
    sites = [(s, label) for s, label in SITES if any(s in values for _, values, _ in rows(r))]
    head = [
        f"最近一次：{r.get('date', '—')}，{r.get('machine', '')}，负载 {' → '.join(str(x) for x in r.get('loadavg', []))}"
        + (f"；“之前”是提交 {r['baseline_ref']} 的构建，与本版在同一次运行中交替测得" if r.get("baseline_ref") else "")
        + "。",
    ]
    phone = r.get("phone")
    if phone:
        p = phone["profile"]
        head.append(
            f"手机档：页面 CPU 减速 {p['cpu']} ×（本次实际达到 {spread(phone['page_slowdown'], ' ×', 1)}），"
            f"引擎 worker 的每个 CPU 步骤同样拉长 {p['cpu']} ×，网络在服务器端减速为 {p['kbps'] / 1000:g} Mbit/s、往返 {p['rtt_ms']} ms"
            "（service worker 同样受限）。“首个分数”指答完 PHQ-9 全部条目后总分第一次显示在屏幕上；冷启动是首次访问，"
            "热启动是装好离线副本的回访；冷、热与两个版本交替进行。中位数（最小–最大，次数）。"
        )
    if phone and phone["page_slowdown"]["median"] < 0.75 * phone["profile"]["cpu"]:
        head.append(
            f"注意：本次机器负载过高，页面实际只减速 {phone['page_slowdown']['median']} ×（目标 {phone['profile']['cpu']} ×），"
            "负载本身又拖慢了一切：绝对时间和是否达标不能据此判断，只宜看同一次运行中“之前”与“本版”的对比；"
            "达标与否须在空闲机器上重测。"
        )
    table = [
        "",
        "| 指标 | " + " | ".join(label for _, label in sites) + " | 目标 |",
        "| --- |" + " --- |" * (len(sites) + 1),
    ]
    for figure, values, target in rows(r):
        table.append(f"| {figure} | " + " | ".join(values.get(s, "—") for s, _ in sites) + f" | {target} |")
    return head + table


def write(r, readme=README):
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme.name}: 缺少标记 {START} … {END}")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(before + START + "\n\n" + "\n".join(lines(r)) + "\n\n" + END + after, encoding="utf-8")
