"""The draw engine and its verifier (抽取引擎与验证): ``spotcheck-draw/1`` for target draws,
``spotcheck-draw/2`` for new inspector draws (version 1's proofs still verify and replace).

Pure Python on the standard library: no Flask, no database. The services feed it candidates
and parameters and store what it returns; anyone can check a published proof with
:func:`spotcheck.draw.verify.verify` (``spotcheck draw verify PROOF.json``).
"""

from spotcheck.draw.inspectors import DrawError
from spotcheck.draw.primitives import ALGORITHM, commitment, new_nonce
from spotcheck.draw.targets import draw_targets, replace_target
from spotcheck.draw.versions import draw_inspectors, replace_inspector

__all__ = [
    "ALGORITHM",
    "DrawError",
    "commitment",
    "draw_inspectors",
    "draw_targets",
    "new_nonce",
    "replace_inspector",
    "replace_target",
]
