"""The presets (预设规则): rules files shipped with the platform, read from the documents we have — the
government rulebooks of 宁安市 and 城口县, and the department rules of three bureaus. A city adopts
one as it is, or edits a copy (``spotcheck rules show``) and loads that."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from spotcheck.tenants.rules import documents, rulefile


@dataclass(frozen=True)
class Preset:
    name: str  # what the operator types: 宁安市, 乌审旗应急管理局
    file: str
    kind: str  # rulebook / department

    @property
    def text(self) -> str:
        return resources.files("spotcheck.tenants.rules").joinpath(f"presets/{self.file}").read_text("utf-8")

    @property
    def document(self) -> documents.Document:
        return rulefile.read(self.text)


PRESETS: tuple[Preset, ...] = (
    Preset("宁安市", "ningan.toml", "rulebook"),
    Preset("城口县", "chengkou.toml", "rulebook"),
    Preset("赤峰市安全生产监督管理局", "chifeng-safety.toml", "department"),
    Preset("乌审旗应急管理局", "wushen-emergency.toml", "department"),
    Preset("唐山高新区商务局", "tangshan-commerce.toml", "department"),
)
BY_NAME = {preset.name: preset for preset in PRESETS}


def find(name: str) -> Preset | None:
    """The preset of that name (or file name)."""
    name = (name or "").strip()
    return BY_NAME.get(name) or next((p for p in PRESETS if p.file in (name, f"{name}.toml")), None)
