"""Reading the rules (规则查询): the department's rules document (:mod:`.document`), the versions of the
rules (:mod:`.versions`) and the rules in force as pages show them (:mod:`.in_force`)."""
from spotcheck.tenants.rules.queries.document import (
    PublishedRules,
    allowed_actions,
    current_document,
    file_path,
    published_version,
)
from spotcheck.tenants.rules.queries.in_force import (
    AskedByFloor,
    Group,
    PresetChoice,
    Row,
    chosen_preset,
    coming,
    document_groups,
    document_of,
    error_label,
    error_prefix,
    grouped_rows,
    in_force,
    national_sources,
    open_against_floor,
    preset_text,
    presets_of,
    previous,
    raw_value,
    scope_history,
    set_by,
)
from spotcheck.tenants.rules.queries.versions import (
    Difference,
    ParameterRow,
    differences,
    document_rows,
    get_version,
    history,
    in_force_version,
    parameter_rows,
    same_as_in_force,
    scope_version_id,
    show_text,
    state,
)

__all__ = ["AskedByFloor", "Difference", "Group", "ParameterRow", "PresetChoice", "PublishedRules", "Row", "allowed_actions", "chosen_preset", "coming", "current_document",
           "differences", "document_groups", "document_of", "document_rows", "error_label",
           "error_prefix", "file_path", "get_version", "grouped_rows", "history", "in_force", "in_force_version", "national_sources",
           "open_against_floor", "parameter_rows", "preset_text", "presets_of", "previous", "published_version", "raw_value",
           "same_as_in_force", "scope_history", "scope_version_id", "set_by", "show_text", "state"]
