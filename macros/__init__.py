"""mkdocs-macros entry point: registers each macro family from its own module."""

from macros import cases, checklists, content, instruments, measures, quiz, search_weights


def define_env(env):
    """Register every macro family; the modules hold the logic."""
    content.register(env)
    checklists.register(env)
    instruments.register(env)
    quiz.register(env)
    measures.register(env)
    cases.register(env)


def on_pre_page_macros(env):
    """Before a page's macros run: its search weight (read by the search plugin afterwards)."""
    search_weights.set_weight(env)
