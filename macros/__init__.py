"""mkdocs-macros entry point: registers each macro family from its own module."""

from macros import checklists, content, instruments, quiz


def define_env(env):
    """Register every macro family; the modules hold the logic."""
    content.register(env)
    checklists.register(env)
    instruments.register(env)
    quiz.register(env)
