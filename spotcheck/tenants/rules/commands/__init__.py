"""The rules' commands (规则命令): the department's rules document, its text, file and publication
(:mod:`.document`), and the versions of the rules the commands apply — the deployment's rulebook and a
department's rules (:mod:`.versions`)."""

from spotcheck.tenants.rules.commands.document import attach_file, publish, save_text
from spotcheck.tenants.rules.commands.versions import load_department_rules, load_rulebook

__all__ = ["attach_file", "load_department_rules", "load_rulebook", "publish", "save_text"]
