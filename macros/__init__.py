"""mkdocs-macros entry point: registers each macro family from its own module."""

from mkdocs.exceptions import PluginError

from catalog.datafiles import DataFileError
from engine import contract
from macros import cases, checklists, content, instruments, measures, page_dates, quiz, search_weights


def define_env(env):
    """Register every macro family; the modules hold the logic. The theme's templates read the
    contract's names from config.extra.hb (overrides/main.html), so they never spell one."""
    env.conf["extra"]["hb"] = {**contract.as_dict(), "needsEngine": contract.NEEDS_ENGINE}
    try:
        content.register(env)
        checklists.register(env)
        instruments.register(env)
        quiz.register(env)
        measures.register(env)
        page_dates.register(env)
        cases.register(env)
    except DataFileError as error:  # the build stops with the message alone, no traceback
        raise PluginError(str(error)) from None


def on_pre_page_macros(env):
    """Before a page's macros run: its search weight (read by the search plugin afterwards)."""
    search_weights.set_weight(env)
    page_dates.stamp(env)
