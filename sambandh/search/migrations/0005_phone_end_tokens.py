"""Give every stored phone number its end token, so that it is found by its last digits.

``search.text.index_terms`` now adds, for each phone number among a document's terms, one token:
"r" and the number's international digits reversed ("+91 98765 43210" adds "r012345678919"), and
a query of five digits or more looks up the numbers that end with them as a prefix of that
token. The numbers are recognised in the stored terms themselves (a country code followed by
another of the document's tokens), so the documents are refolded without reading the records.

Reversed, the end tokens are removed and the documents are as the previous version wrote them.
"""

import re

from django.db import migrations

# The end tokens as this migration made them (a letter never stands before digits otherwise).
END_TOKEN = re.compile(r"r[0-9]+")


def refold(apps, schema_editor):
    from sambandh.search.services import search_documents_refold

    search_documents_refold(model=apps.get_model("search", "SearchDocument"))


def remove_end_tokens(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = SearchDocument.objects.filter(terms__contains=" r").order_by("pk").only("terms")
    dirty = []
    for doc in documents.iterator(chunk_size=2000):
        terms = " ".join(t for t in doc.terms.split() if not END_TOKEN.fullmatch(t))
        if terms != doc.terms:
            doc.terms = terms
            dirty.append(doc)
    SearchDocument.objects.bulk_update(dirty, ["terms"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_refold_terms"),
    ]

    operations = [
        migrations.RunPython(refold, remove_end_tokens, elidable=True),
    ]
