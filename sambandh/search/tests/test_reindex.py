"""search_reindex and the bulk path of the search services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sambandh.sales import services as sales
from sambandh.search.models import SearchDocument
from sambandh.search.selectors import search
from sambandh.search.services import search_batch, search_document_upsert
from tests.factories import make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db


def documents():
    return sorted(
        SearchDocument.objects.values_list(
            "record_type", "record_id", "owner_id", "title", "subtitle", "title_key", "terms"
        )
    )


def test_reindex_rebuilds_every_document_as_the_services_wrote_it(owner, pipeline):
    # given records of every type, their documents as the services wrote them
    org = make_organization(owner, name="Tata Motors", domain="tatamotors.com")
    make_person(owner, full_name="Asha Rao", phone="+919876543210", organization_id=org.pk)
    make_deal(owner, pipeline, name="Fleet renewal", organization_id=org.pk)
    make_lead(owner, full_name="Kiran Desai", email="kiran@desai.in")
    written = documents()
    assert [d[0] for d in written] == ["deal", "lead", "organization", "person"]
    # when every document is lost, plus a stray one for a person who does not exist
    SearchDocument.objects.all().delete()
    search_document_upsert(record_type="person", record_id=987654, owner_id=owner.pk, title="Gone")
    out = StringIO()
    call_command("search_reindex", "--batch-size", "1", stdout=out)
    # then the same documents are back, the stray one is gone, and search finds them again
    assert documents() == written
    assert "person: 1 indexed, 1 removed" in out.getvalue()
    assert [h.title for h in search(viewer=owner, q="98765 43210")] == ["Asha Rao"]
    assert search(viewer=owner, q="gone") == []


def test_reindex_leaves_converted_leads_out(owner):
    lead = make_lead(owner, full_name="Kiran Desai", company="Desai Foods")
    sales.lead_convert(actor=owner, lead=lead, version=lead.version, create_deal=False)
    call_command("search_reindex", stdout=StringIO())
    assert SearchDocument.objects.filter(record_type="lead").count() == 0
    assert [h.record_type for h in search(viewer=owner, q="kiran")] == ["person"]


def test_refold_recomputes_tokens_from_the_stored_documents(owner):
    # given a document whose tokens were written by an older tokenizer
    person = make_person(owner, full_name="Ravi Kumar", email="kumar14@example.com")
    current = documents()
    SearchDocument.objects.filter(record_id=person.pk).update(
        title_key="", terms="ravi kumar kumar14 example com"
    )
    # when refolded
    out = StringIO()
    call_command("search_reindex", "--refold", stdout=out)
    # then title key and terms are what the current tokenizer makes
    assert documents() == current
    assert "1 documents refolded, 1 changed" in out.getvalue()


def test_a_batch_saves_its_documents_when_it_ends(owner):
    with search_batch():
        search_document_upsert(
            record_type="person", record_id=1, owner_id=owner.pk, title="Asha Rao", words=["x"]
        )
        search_document_upsert(
            record_type="person", record_id=1, owner_id=owner.pk, title="Asha Menon"
        )
        # nothing is written inside the batch
        assert SearchDocument.objects.count() == 0
    assert documents() == [("person", 1, owner.pk, "Asha Menon", "", "asha menon", "asha menon")]


def test_a_failed_batch_writes_nothing(owner):
    with pytest.raises(RuntimeError), search_batch():
        search_document_upsert(record_type="person", record_id=1, owner_id=owner.pk, title="A B")
        raise RuntimeError("the writer failed")
    assert SearchDocument.objects.count() == 0
