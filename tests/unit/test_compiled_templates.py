"""Templates compiled once per process (模板编译缓存): a second app renders from the compiled code,
and an edited template is never served as it was."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from spotcheck.platform.compiled_templates import CompiledTemplates


class Counted(CompiledTemplates):
    """The cache, counting the templates compiled (each compilation is stored once)."""

    compiled = 0

    def dump_bytecode(self, bucket) -> None:
        self.compiled += 1
        super().dump_bytecode(bucket)


def test_a_second_environment_reuses_the_compiled_template_and_an_edited_one_is_compiled_anew():
    cache, sources = Counted(), {"page.html": "待审核：{{ n }}"}
    first = Environment(loader=DictLoader(sources), bytecode_cache=cache)
    assert first.get_template("page.html").render(n=3) == "待审核：3" and cache.compiled == 1

    second = Environment(loader=DictLoader(sources), bytecode_cache=cache)  # another app, same process
    assert second.get_template("page.html").render(n=4) == "待审核：4" and cache.compiled == 1

    sources["page.html"] = "待公示：{{ n }}"  # the template edited
    third = Environment(loader=DictLoader(sources), bytecode_cache=cache)
    assert third.get_template("page.html").render(n=5) == "待公示：5" and cache.compiled == 2
