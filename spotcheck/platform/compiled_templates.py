"""Templates compiled once per process (模板编译缓存), whichever app renders them: the test suite and
the benchmark make many apps in one process, each of which would parse and compile every template
again. Keyed by the template's name and checked against its source's checksum (jinja2's own
bytecode cache protocol), so an edited template is compiled anew."""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class CompiledTemplates(BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored by jinja2 when the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


#: The one cache of the process.
COMPILED = CompiledTemplates()
