"""Practice checklists: render them (catalog/checklists.py loads them) and walk a case stage by stage.

Markup (attribute names from engine/contract.py ATTR, shown here by their contract keys):

    <div class="hb-checklist" {checklist}="<id>" [{decision}="<decision>"]>
      <fieldset><legend>group title</legend>
        <label><input type="checkbox" id="…" {check}="<item id>"> item text</label> …
      </fieldset>
      <label for="…">field label</label><textarea id="…" {field}="<field id>"></textarea>
      <div class="hb-checklist__result" {checklist_result} aria-live="polite">…</div>   (with a decision)
    </div>
"""

import html

from catalog.checklists import CHECKLISTS, PAGES, load_all, ordered
from catalog.datafiles import DataFileError
from engine import contract
from macros.links import relative
from macros.pages import needs_engine, page_src

RECORD_PAGE = "practice/case-record.md"
NAVIGATOR_PAGE = "practice/navigator.md"

# The case navigator: each stage of a case, what to write down, the method pages, and which
# checklist stages it embeds (checklists are found by their `stage`, ordered by `order`).
NAVIGATOR = (
    {
        "title": "接案",
        "stages": ("接案",),
        "record": ("求助者的请求（尽量用对方自己的话）", "是否接案及理由", "是否转介：符合哪种情形、转给哪里"),
        "links": (
            ("casework/intake.md#这一阶段的四项工作", "接案的四项工作"),
            ("casework/intake.md#转介的两种情形", "转介的两种情形"),
        ),
    },
    {
        "title": "预估",
        "stages": ("预估",),
        "record": (
            "资料来自哪里（会谈、调查表、观察、现有资料）",
            "生理、心理、社会、灵性四类需求",
            "优势与资源",
            "问题诊断：主要表现、成因、能力和资源、干预建议",
        ),
        "links": (
            ("casework/collecting.md#四种途径", "收集资料的四种途径"),
            ("overview/needs.md#四个维度", "患者的四类需求"),
            ("support/strengths.md", "优势视角"),
            ("casework/assessment.md#诊断的四项内容", "诊断的四项内容"),
        ),
    },
    {
        "title": "计划",
        "stages": ("计划",),
        "record": ("服务计划的七项内容", "服务协议的五个部分", "每次面谈布置的行动任务"),
        "links": (
            ("casework/planning.md#服务计划的七项内容", "服务计划的七项内容"),
            ("casework/planning.md#服务协议的五个部分", "服务协议的五个部分"),
            ("interview/arranging.md#会谈内外衔接", "会谈内外衔接"),
        ),
    },
    {
        "title": "介入",
        "stages": ("介入", "资源"),
        "record": ("每次服务做了什么、服务对象有什么变化", "扮演了哪些专业角色", "链接了哪些资源、下一步找谁"),
        "links": (
            ("casework/intervention.md#服务的推进", "服务的推进"),
            ("casework/intervention.md#五种专业角色", "五种专业角色"),
            ("casework/resources.md#医院里的五类社会支持", "医院里的五类社会支持"),
            ("support/five-types.md", "五类社会支持"),
        ),
    },
    {
        "title": "评估",
        "stages": ("评估",),
        "record": ("服务对象的改变", "目标的实现程度", "投入的人员、时间、经费等", "谁参与了评估、用什么方式"),
        "links": (
            ("casework/evaluation.md#成效评估看什么", "成效评估看什么"),
            ("casework/evaluation.md#评估的三种方法", "评估的三种方法"),
        ),
    },
    {
        "title": "结案",
        "stages": ("结案",),
        "record": ("符合哪种可以结案的情形", "四项处置是否完成", "选定的结案形式", "跟踪服务的安排和发现"),
        "links": (
            ("casework/closing.md#可以结案的五种情形", "可以结案的五种情形"),
            ("casework/closing.md#结案的四个处置步骤", "结案的四个处置步骤"),
            ("casework/closing.md#跟踪服务的三项任务", "跟踪服务的三项任务"),
        ),
    },
)
CASE_STORE_WARNING = (
    "请勿填写姓名、身份证号、住院号、电话等能识别身份的信息，只用代号区分个案（例如“个案 A”）。"
    "记录只保存在这台设备的这个浏览器里，不会上传；换设备前请导出备份，用完请清除。"
)


# ---------------------------------------------------------------- rendering


def _e(text):
    return html.escape(text, quote=True)


def _control_id(sid, item_id):
    return f"cl-{sid}-{item_id}"


def _field_id(sid, field_id):
    return f"cl-{sid}--{field_id}"


def _field_html(sid, field):
    fid = _field_id(sid, field["id"])
    rows = 4 if field.get("multiline") else 1
    described = ""
    out = []
    hint = ""
    if field.get("hint"):
        described = f' aria-describedby="{fid}-hint"'
        hint = f'<small class="hb-checklist__hint" id="{fid}-hint">{_e(field["hint"])}</small>'
    out.append(
        f'<div class="hb-checklist__field"><label for="{fid}">{_e(field["label"])}</label>{hint}'
        f'<textarea id="{fid}" {A["field"]}="{_e(field["id"])}" rows="{rows}"{described}></textarea></div>'
    )
    return out


A = contract.ATTR


def _group_html(sid, group, fields):
    out = [f'<fieldset class="hb-checklist__group"><legend>{_e(group["title"])}</legend>']
    if group.get("note"):
        out.append(f'<p class="hb-checklist__note">{_e(group["note"])}</p>')
    for item in group["items"]:
        cid = _control_id(sid, item["id"])
        hint = f' <small class="hb-checklist__hint">{_e(item["hint"])}</small>' if item.get("hint") else ""
        out.append(
            f'<label><input type="checkbox" class="{contract.CLASSES["check"]}" id="{cid}" {A["check"]}="{_e(item["id"])}"> <span>{_e(item["text"])}{hint}</span></label>'
        )
    for field in fields:
        out += _field_html(sid, field)
    out.append("</fieldset>")
    return out


# A printed form is filed by case code, never by name; the page number comes from @page in the CSS.
PAPER_HEAD = (
    '<div class="hb-paper hb-paper--head"><span>个案代号（不写姓名）：</span><span>日期：</span>'
    "<span>社会工作者：</span></div>"
)
PAPER_FOOT = (
    '<div class="hb-paper hb-paper--foot"><span>社会工作者签名：</span><span>督导签名：</span><span>日期：</span></div>'
)


def _links_markdown(env, spec):
    links = spec.get("links") or []
    if not links:
        return ""
    parts = [f"[{link['label']}]({relative(env, link['target'])})" for link in links]
    return "相关方法：" + " · ".join(parts) + "\n{: .hb-checklist__links }"


def _claim(env, path, sid):
    """Each checklist once per page, so element ids and saved state stay unique."""
    seen = getattr(env.page, "_hb_checklists", None)
    if seen is None:
        seen = set()
        env.page._hb_checklists = seen
    if sid in seen:
        raise DataFileError(path, sid, f"清单在页面 {page_src(env)} 中出现了两次（元素 id 会重复）")
    seen.add(sid)


def render_checklist(env, spec, searchable=True):
    """The checklist root (raw HTML) followed by its method links (Markdown, so MkDocs checks them).

    A copy embedded in another page is kept out of the search index: its own page is the hit.
    """
    sid = spec["id"]
    _claim(env, CHECKLISTS / f"{sid}.yml", sid)
    needs_engine(env)
    decision = f' {A["decision"]}="{_e(spec["decision"])}"' if spec.get("decision") else ""
    exclude = "" if searchable else " data-search-exclude"
    fields = spec.get("fields") or []
    own = contract.CLASSES["checklist_id"] + sid
    out = [f'<div class="hb-checklist {_e(own)}" {A["checklist"]}="{_e(sid)}"{decision}{exclude}>']
    if searchable:
        out.append(PAPER_HEAD)
    for group in spec["groups"]:
        out += _group_html(sid, group, [f for f in fields if f.get("group") == group["id"]])
    for field in fields:
        if not field.get("group"):
            out += _field_html(sid, field)
    if spec.get("decision"):
        # Focusable: a long result scrolls inside its capped height and must be readable by keyboard.
        out.append(
            f'<div class="{contract.CLASSES["checklist_result"]}" {A["checklist_result"]} aria-live="polite" '
            f'role="region" aria-label="自动判断结果" tabindex="0">'
            f"<p>{_e(contract.NOT_RUNNING['checklist'])}</p></div>"
        )
    if searchable:
        out.append(PAPER_FOOT)
    out.append("</div>")
    links = _links_markdown(env, spec)
    return "\n\n" + "\n".join(out) + "\n\n" + (links + "\n\n" if links else "")


def render_record(env, spec):
    """The case record template: labelled text areas first, then the writing rules to tick."""
    sid = spec["id"]
    _claim(env, CHECKLISTS / f"{sid}.yml", sid)
    needs_engine(env)
    out = [f'<div class="hb-checklist hb-checklist--record" {A["checklist"]}="{_e(sid)}">', PAPER_HEAD]
    out.append(f'<p class="hb-checklist__note">{_e(spec["intro"])}</p>')
    for field in spec.get("fields") or []:
        out += _field_html(sid, field)
    for group in spec["groups"]:
        out += _group_html(sid, group, [])
    out += [PAPER_FOOT, "</div>"]
    links = _links_markdown(env, spec)
    return "\n\n" + "\n".join(out) + "\n\n" + (links + "\n\n" if links else "")


def register(env):
    specs = load_all()

    def spec_of(ident):
        if ident not in specs:
            raise DataFileError(CHECKLISTS, ident, f"没有这个清单（可用：{'、'.join(sorted(specs))}）")
        return specs[ident]

    @env.macro
    def checklist(ident):
        """One checklist, rendered from data/checklists/<ident>.yml."""
        spec = spec_of(ident)
        if spec.get("kind", "checklist") == "record":
            return render_record(env, spec)
        return render_checklist(env, spec)

    @env.macro
    def case_record_form():
        """The printable case record template (saves like a checklist with the id case_record)."""
        return render_record(env, spec_of("case_record"))

    @env.macro
    def case_navigator():
        """A case, stage by stage: what to record, the method pages, and the stage's checklists."""
        out = [
            f'<div class="hb-cases" {A["case_store"]}>',
            f'<p class="hb-cases__warning" role="note"><strong>{_e(CASE_STORE_WARNING)}</strong></p>',
            "</div>",
            "",
        ]
        for stage in NAVIGATOR:
            out += [f"## {stage['title']}", ""]
            out += ["这一阶段要记录：", ""] + [f"- {line}" for line in stage["record"]] + [""]
            methods = " · ".join(f"[{label}]({relative(env, target)})" for target, label in stage["links"])
            out += [f"方法页：{methods}", ""]
            for spec in ordered(specs, stage["stages"]):
                page = relative(env, f"{PAGES}{spec['id']}.md")
                out += [f"### {spec['title']}", "", spec["intro"], "", f"[单独打开这张清单]({page})", ""]
                out.append(render_checklist(env, spec, searchable=False))
        out += ["## 贯穿各阶段的工具", ""]
        for spec in ordered(specs, ("跨阶段",)):
            out.append(f"- [{spec['title']}]({relative(env, PAGES + spec['id'] + '.md')})：{spec['summary']}")
        out.append(f"- [个案记录表]({relative(env, RECORD_PAGE)})：{spec_of('case_record')['summary']}")
        return "\n".join(out) + "\n"

    @env.macro
    def programme_table(ident):
        """The resource finder's programmes as a table: who runs each and which situations bring it up."""
        spec = spec_of(ident)
        texts = {item["id"]: item["text"] for group in spec["groups"] for item in group["items"]}
        rows = ["| 项目 | 主管或经办 | 什么情况下建议查看 |", "| --- | --- | --- |"]
        for programme in spec.get("programmes") or []:
            when = "；".join(texts[i] for i in programme["when_any"])
            unless = "；".join(texts[i] for i in programme.get("unless_any") or [])
            cell = f"勾选了其中任何一项：{when}" + (f"（但勾选了“{unless}”时不列出）" if unless else "")
            rows.append(f"| {_cell(programme['title'])} | {_cell(programme['who'])} | {_cell(cell)} |")
        return "\n".join(rows) + "\n"

    @env.macro
    def checklist_index():
        """Table of every practice tool with a link to its page, by stage order."""
        rows = ["| 工具 | 阶段 | 用途 |", "| --- | --- | --- |"]
        rows.append(f"| [个案流程导航]({relative(env, NAVIGATOR_PAGE)}) | 全程 | 按六个阶段走完一个个案 |")
        for spec in ordered(specs):
            rows.append(
                f"| [{spec['title']}]({relative(env, PAGES + spec['id'] + '.md')}) | {spec['stage']} | {_cell(spec['summary'])} |"
            )
        rows.append(
            f"| [个案记录表]({relative(env, RECORD_PAGE)}) | 跨阶段 | {_cell(spec_of('case_record')['summary'])} |"
        )
        return "\n".join(rows) + "\n"


def _cell(text):
    return text.replace("|", "｜")
