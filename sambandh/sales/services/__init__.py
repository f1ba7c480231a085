"""Writes for pipelines, leads and deals. A deal's every stage change is kept as a row."""

from __future__ import annotations

from sambandh.sales.services.deals import (
    deal_create,
    deal_default_currency,
    deal_delete,
    deal_move_stage,
    deal_reindex,
    deal_search_fields,
    deal_update,
)
from sambandh.sales.services.leads import (
    lead_convert,
    lead_create,
    lead_delete,
    lead_erase,
    lead_reassign,
    lead_reindex,
    lead_search_fields,
    lead_update,
)
from sambandh.sales.services.pipelines import (
    MAX_STAGES,
    StageIn,
    pipeline_create,
    pipeline_default,
    pipeline_delete,
    pipeline_update,
)
from sambandh.sales.services.reporting import (
    deal_convert,
    deal_record_date,
    deal_reporting_refresh,
)

__all__ = [
    "deal_convert",
    "deal_create",
    "deal_default_currency",
    "deal_record_date",
    "deal_reporting_refresh",
    "deal_delete",
    "deal_move_stage",
    "deal_reindex",
    "deal_search_fields",
    "deal_update",
    "lead_convert",
    "lead_create",
    "lead_delete",
    "lead_erase",
    "lead_reassign",
    "lead_reindex",
    "lead_search_fields",
    "lead_update",
    "MAX_STAGES",
    "StageIn",
    "pipeline_create",
    "pipeline_default",
    "pipeline_delete",
    "pipeline_update",
]
