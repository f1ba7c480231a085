import pytest
from django.urls import reverse
from tests import factories
from tests.web.test_deal_pages import deal_form
pytestmark = pytest.mark.django_db
def test_dbg(owner, pipeline, browser_for):
    org = factories.make_organization(owner, name="Tata Steel")
    person = factories.make_person(owner, full_name="Asha Rao")
    r = browser_for(owner).post(reverse("sales:deal_create"), deal_form(pipeline, owner=str(owner.pk), organization=f"Tata Steel (#{org.pk})", person_0="Asha Rao"))
    print(r.status_code, r.context["form"].errors if r.context else "")
    from babel.numbers import parse_decimal
    print(parse_decimal("1,25,000.50", locale="en", strict=True))
