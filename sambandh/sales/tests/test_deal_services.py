from __future__ import annotations

from decimal import Decimal

import pytest

from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.sales.models import Deal, StageChange
from sambandh.sales.schemas import DealFields
from sambandh.sales.services import deal_move_stage, deal_update
from tests.factories import make_deal

pytestmark = pytest.mark.django_db


def test_every_stage_change_is_a_row(owner, pipeline):
    # given a deal in the first stage
    deal = make_deal(owner, pipeline, amount="2500.50", currency="EUR")
    stages = list(pipeline.stages.order_by("position"))
    # when it moves twice
    deal = deal_move_stage(actor=owner, deal=deal, stage_id=stages[1].pk, version=1)
    deal = deal_move_stage(actor=owner, deal=deal, stage_id=stages[3].pk, version=2)
    # then three rows tell its story and the deal is won
    rows = list(StageChange.objects.filter(deal=deal).order_by("id"))
    assert [(r.from_stage_id, r.to_stage_id) for r in rows] == [
        (None, stages[0].pk),
        (stages[0].pk, stages[1].pk),
        (stages[1].pk, stages[3].pk),
    ]
    assert rows[-1].amount == Decimal("2500.5000") and rows[-1].currency == "EUR"
    assert deal.status == Deal.Status.WON and deal.probability == 100 and deal.closed_at
    assert deal.version == 3


def test_stale_version_is_refused_and_nothing_changes(owner, pipeline):
    deal = make_deal(owner, pipeline, name="Original")
    deal_update(actor=owner, deal=deal, data=DealFields.build({"name": "First edit"}), version=1)
    with pytest.raises(Conflict):
        deal_update(actor=owner, deal=deal, data=DealFields.build({"name": "Lost edit"}), version=1)
    assert Deal.objects.get(pk=deal.pk).name == "First edit"


def test_amount_respects_currency_precision(owner, pipeline):
    with pytest.raises(ValidationFailed) as err:
        make_deal(owner, pipeline, amount="10.5", currency="JPY")
    assert "amount" in err.value.fields
    assert Deal.objects.count() == 0
    deal = make_deal(owner, pipeline, amount="10.125", currency="BHD")
    assert deal.amount == Decimal("10.125")


def test_hidden_people_on_a_deal_are_neither_shown_nor_dropped(owner, outsider, pipeline):
    from sambandh.accounts.services import record_share
    from sambandh.sales.selectors import deal_get
    from tests.factories import make_person

    # given a deal shared with the outsider, linking one of the owner's people the outsider
    # cannot see
    secret = make_person(owner, full_name="Hidden Person")
    deal = make_deal(owner, pipeline)
    deal_update(
        actor=owner, deal=deal, data=DealFields.build({"person_ids": [secret.pk]}), version=1
    )
    record_share(actor=owner, record_type="deal", record_id=deal.pk, user=outsider)
    mine = make_person(outsider, full_name="Outsider's contact")
    # then the outsider does not see the hidden name
    assert [p.full_name for p in deal_get(viewer=outsider, deal_id=deal.pk).people.all()] == []
    # and when the outsider sets the people they can see, the hidden link stays
    deal_update(
        actor=outsider, deal=deal, data=DealFields.build({"person_ids": [mine.pk]}), version=2
    )
    assert sorted(Deal.objects.get(pk=deal.pk).people.values_list("full_name", flat=True)) == [
        "Hidden Person",
        "Outsider's contact",
    ]
