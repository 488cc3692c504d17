"""`{% url %}` with the answers kept per process: a page reverses a dozen fixed URLs (~0.011 ms of CPU each).

Registered as a builtin (settings.TEMPLATES), so it replaces Django's tag in every template. An answer depends
on the view name and arguments and on what Django reverses against (the URLconf, the script prefix, the current
app, the language in case patterns are ever translated): all are in the key. Only plain str/int arguments are
kept (a model instance's str may change); anything else, and every error, goes to Django's reverse each time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse(view: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], app: str | None, *key: Any) -> str:
    return reverse(view, urlconf=key[0], args=list(args), kwargs=dict(kwargs), current_app=app)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    """A test that swaps the URLconf gets its own answers (get_urlconf() is None either way)."""
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


def _plain(values: Any) -> bool:
    return all(type(v) in (str, int) for v in values)


def _current_app(context: Any) -> str | None:
    """As URLNode.render finds it."""
    request: Any = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


class MemoURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        if self.asvar or not _plain(args) or not _plain(v for _, v in kwargs):
            return super().render(context)
        view = self.view_name.resolve(context)
        url = _reverse(view, args, kwargs, _current_app(context), get_urlconf(), get_script_prefix(), get_language())
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> MemoURLNode:
    node = defaulttags.url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
