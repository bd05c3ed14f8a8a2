import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marketplace import roles
from marketplace.ledger import services
from marketplace.ledger.models import LedgerAccount, Settlement
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PLATFORM_URLS = ["ledger:statement-list", "ledger:export-csv", "ledger:export-xlsx"]


@pytest.fixture
def recorded(two_cooperative_order):
    services.ledger_record_order(order=two_cooperative_order)
    return two_cooperative_order


def test_a_cooperative_sees_only_its_own_statement(client, cooperatives, recorded):
    son_tra, _ = cooperatives
    client.force_login(son_tra.partner.users.get())
    page = client.get(reverse("cooperative-ledger:statement")).content.decode()
    assert 'data-total="payable"' in page and "285.000" in page
    assert "128.250" not in page and "135.000" not in page
    csv = client.get(reverse("cooperative-ledger:statement-csv")).content.decode("utf-8-sig")
    assert str(recorded.number) in csv and "300000" in csv and "135000" not in csv


@pytest.mark.parametrize("name", PLATFORM_URLS)
@pytest.mark.parametrize(
    "role", [roles.BUYER, roles.COOPERATIVE_STAFF, roles.TOURISM_OFFICER, roles.PROVINCE_OFFICER]
)
def test_only_platform_admins_see_every_statement(client, recorded, name, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PLATFORM_URLS + ["cooperative-ledger:statement"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_platform_admins_export_csv_and_xlsx(client, recorded):
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    csv = client.get(reverse("ledger:export-csv")).content.decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Hợp tác xã,")
    assert "Hợp tác xã Sơn Trà,300000,-15000,0,0,285000,0" in csv
    response = client.get(reverse("ledger:export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Hợp tác xã Cam Phù Lưu", 135000, -6750, 0, 0, 128250, 0) in rows


def test_exported_names_cannot_run_as_formulas(client, cooperatives, recorded):
    son_tra, _ = cooperatives
    son_tra.partner.name = '=HYPERLINK("http://evil.example")'
    son_tra.partner.save()
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    assert "'=HYPERLINK" in client.get(reverse("ledger:export-csv")).content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(client.get(reverse("ledger:export-xlsx")).content)).active
    assert any(str(cell).startswith("'=") for row in sheet.iter_rows(values_only=True) for cell in row)


def test_a_platform_admin_records_a_payout(client, cooperatives, recorded):
    son_tra, _ = cooperatives
    account = LedgerAccount.objects.get(partner=son_tra.partner)
    url = reverse("ledger:settle", kwargs={"pk": account.pk})
    client.force_login(son_tra.partner.users.get())
    assert client.post(url, {"reference": "X"}).status_code == 403
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    assert client.post(url, {"reference": "<script>alert(1)</script>"}).status_code == 302
    page = client.get(reverse("ledger:statement-list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert Settlement.objects.get().amount == 285_000
