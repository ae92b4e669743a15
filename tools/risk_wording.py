"""Build check: one rule on who judges suicide and self-harm risk, and no page that contradicts it.

The rule lives once, in hospital/crisis.md «谁判断风险» (#who-judges-risk): the doctor judges and grades
risk; the social worker asks, records the person's own words and tells the doctor. Pages that speak of
risk link there. This check reads every built page and stops the build on wording that has the social
worker judge or grade risk, or write a risk conclusion. Text inside Chinese quotation marks is skipped,
so a page may still quote a phrase as an example of what not to write.
"""

import re
from html import unescape

RULE = "hospital/crisis.md#who-judges-risk"
# (pattern, why it contradicts the rule)
CONTRADICTIONS = (
    (r"先做危险性判断", "让社会工作者先作危险性判断"),
    (r"(社工|社会工作者)[^。；]{0,8}(评估|判断)(自伤|自杀)?风险", "让社会工作者评估或判断风险"),
    (r"未见(自伤|自杀|轻生)风险", "写了风险结论"),
    (r"无(自伤|自杀|轻生)风险", "写了风险结论"),
    (r"(自伤|自杀)风险(较低|不高|很低|低|中等|较高|高)", "给风险分了级"),
    (r"风险程度", "要求写风险程度"),
)
QUOTED = re.compile(r"“[^”]*”|「[^」]*」")
TAGS = re.compile(r"<[^>]+>")
ARTICLE = re.compile(r"<article[^>]*>(.*?)</article>", re.S)
SKIP = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.S)


def problems(rel, html):
    """[(phrase found, why)] on one built page's article text, quoted text left out."""
    match = ARTICLE.search(html)
    if not match:
        return []
    text = unescape(TAGS.sub("", SKIP.sub("", match.group(1))))
    text = QUOTED.sub("", text)
    found = []
    for pattern, why in CONTRADICTIONS:
        for hit in re.finditer(pattern, text):
            found.append((hit.group(0), why))
    return found


def check(site):
    """The message listing every contradicting phrase on every built page, or "" when there is none."""
    lines = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        for phrase, why in problems(rel, path.read_text(encoding="utf-8")):
            lines.append(f"{rel.removesuffix('.html')}.md：“{phrase}”——{why}")
    if not lines:
        return ""
    return "这些说法与“谁判断风险”的规则（" + RULE + "）矛盾：\n" + "\n".join(lines) + "\n改为链接到该节。"
