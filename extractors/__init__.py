"""One module per fact family, all sharing one signature: ``extract(ctx: Context) -> dict``
whose keys are the contract fields listed in the module's ``PRODUCES``.

``REGISTRY`` is the order in which they run; a later extractor can read the outputs of
earlier ones in ``ctx.results`` (e.g. amounts use the budget tables' cells).
"""
from __future__ import annotations

from types import ModuleType

from extractors import (acts, amounts, bank_accounts, budget, departement, durations, headcounts,
                        parties, references)

REGISTRY: list[ModuleType] = [
    bank_accounts,
    acts,
    departement,
    parties,
    references,
    budget,
    amounts,
    durations,
    headcounts,
]
