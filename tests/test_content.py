"""The handbook's chapters: every required section is there, every page is framed the same way."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from tools import build_hooks

TECHNIQUES = ["attending", "listening", "empathy", "encouraging", "clarifying", "focusing", "summarizing",
              "information", "self-disclosure", "suggestion", "advice", "confrontation"]
# page -> heading ids (or, prefixed "text:", phrases) the issue requires on it
REQUIRED = {
    "overview/definition.html": ["text:医务社会工作", "text:服务对象"],
    "overview/roles.html": ["text:心理支持者", "text:资源链接者", "text:公共健康知识宣传者", "text:研究与倡导者", "text:咨询者",
                            "text:情绪疏导者", "text:服务提供者", "text:使能者", "text:关系协调者", "text:资源筹措者",
                            "text:政策影响者", "text:研究者"],
    "overview/department.html": ["患者服务", "家庭服务", "部门的价值", "发展方向"],
    "overview/needs.html": ["生理需求", "心理需求", "社会需求", "灵性需求"],
    "overview/adjunct.html": ["适应证与禁忌", "个案管理周期", "风险", "与其他治疗的配合及替代", "text:3～5 次会谈", "text:3～6 个月", "text:每季度或每半年"],
    "overview/internet-plus.html": ["定位难清", "管理难善", "服务难施", "破解路径", "优势与劣势", "伦理风险"],
    "casework/intake.html": ["转介的两种情形"],
    "casework/assessment.html": ["诊断的四项内容"],
    "casework/collecting.html": ["text:观察", "text:调查表", "text:现有资料"],
    "casework/planning.html": ["服务计划的七项内容", "对社会工作者的五项要求", "会谈内外的四项安排", "服务协议的五个部分"],
    "casework/intervention.html": ["五种专业角色", "text:接纳", "text:无条件", "text:真诚"],
    "casework/evaluation.html": ["评估的三种方法"],
    "casework/closing.html": ["可以结案的五种情形", "结案的四个处置步骤", "结案的三种形式", "跟踪服务的三项任务"],
    "casework/case-management.html": ["个案管理与个案工作的比较"],
    "casework/recording.html": ["现在先于过去", "事实先于推断", "记录的五种作用"],
    "interview/interview-types.html": ["建立关系会谈", "收集资料会谈", "诊断性会谈", "治疗性会谈", "一般性咨询会谈"],
    "interview/arranging.html": ["准备", "内容安排", "会谈内外衔接"],
    **{f"interview/{t}.html": ["定义", "何时用何时不用", "病房示例", "常见误用", "text:30 秒速查", "text:考点"]
       for t in TECHNIQUES},
    "palliative/principles.html": ["九条原则"],
    "palliative/psychosocial.html": ["七个结果", "text:信息支持", "text:技能训练"],
    "palliative/grief.html": ["三种辅导形式"],
    "palliative/death-talk.html": ["开启对话"],
    "support/concept.html": ["text:Cassel", "text:Cobb", "text:1976"],
    "support/five-types.html": ["经济支持", "照顾支持", "信息支持", "精神支持", "社会交往支持"],
    "support/evidence.html": ["text:Funch", "text:Mettlin", "text:1982"],
    "support/strengths.html": ["引出优势的开放式提问"],
    "support/resilience.html": ["个人抗逆力", "家庭抗逆力", "text:信念体系", "text:组织模式", "text:沟通过程"],
    "support/case-study.html": ["优势评估", "目标设定", "cd-risc-前后测", "text:短期目标", "text:长期目标"],
}
CHAPTER_PAGES = sorted(str(p.relative_to(Path("docs"))) for p in Path("docs").glob("*/*.md")
                       if p.parts[1] in ("overview", "casework", "interview", "palliative", "support"))


@pytest.mark.parametrize("page, wanted", REQUIRED.items())
def test_required_sections_present(site_dir, page, wanted):
    html = (site_dir / page).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    for want in wanted:
        if want.startswith("text:"):
            assert want[5:] in text, f"{page} 缺少：{want[5:]}"
        else:
            assert f'id="{want}"' in html, f"{page} 缺少小节 #{want}"


def test_all_nine_who_principles_listed(site_dir):
    html = (site_dir / "palliative/principles.html").read_text(encoding="utf-8")
    assert all(re.search(rf'id="{n}-', html) for n in range(1, 10))


@pytest.mark.parametrize("src", CHAPTER_PAGES)
def test_chapter_page_has_abstract_first_and_sources_last(site_dir, src):
    html = (site_dir / src.replace(".md", ".html")).read_text(encoding="utf-8")
    article = html.split("</h1>", 1)[1]
    assert article.lstrip().startswith('<div class="admonition abstract">'), src
    assert build_hooks.SOURCES.search(article), src


def fake_page(src):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src))


def test_build_stops_on_page_without_abstract():
    with pytest.raises(PluginError, match="提要"):
        build_hooks.on_page_content("<h1>x</h1><p>正文</p><h2 id=\"sources\">参考来源</h2>", fake_page("casework/x.md"), {}, None)


def test_build_stops_on_page_without_sources():
    with pytest.raises(PluginError, match="参考来源"):
        build_hooks.on_page_content('<h1>x</h1><div class="admonition abstract">提要</div><p>正文</p>', fake_page("support/x.md"), {}, None)


def test_glossary_terms_all_link_into_the_handbook(site_dir):
    html = (site_dir / "reference/glossary.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td><a href=\"([^\"]+)\">", html)
    assert len(rows) >= 60
    for href in rows:
        page, _, anchor = href.partition("#")
        target = (site_dir / "reference" / page).resolve()
        assert target.is_file(), href
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), href
