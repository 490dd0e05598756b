"""`manage.py add_user`: a firm's staff member or a consultant gets a sign-in, with a password shown once."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from companies.models import Membership
from portal.roles import is_consultant
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def add_user(*args: str) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()[-1]


def test_a_firm_editor_signs_in_with_the_printed_password_and_sees_the_firm(client):
    firm = CompanyFactory(slug="ocius", name="Ocius Technology")

    password = add_user("hana", "--email", "hana@ocius.example", "--firm", "ocius", "--role", "editor")

    user = User.objects.get(username="hana")
    assert (user.email, user.is_staff, user.is_superuser) == ("hana@ocius.example", False, False)
    assert Membership.objects.get(user=user, company=firm).role == "editor"
    signed_in = client.post("/accounts/login/", {"username": "hana", "password": password})
    assert signed_in.status_code == 302
    assert client.get("/companies/ocius/edit/").status_code == 200


def test_a_consultant_gets_the_admin_and_the_consultants_group():
    add_user("ken", "--email", "ken@kakehashi.example", "--consultant")
    user = User.objects.get(username="ken")
    assert user.is_staff and not user.is_superuser and is_consultant(user)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["hana", "--email", "not-an-address", "--firm", "ocius"], "email: Enter a valid email address."),
        (["hana", "--email", "h@ocius.example", "--firm", "nowhere"], "No firm with the slug 'nowhere'."),
        (["hana", "--email", "h@ocius.example"], "Give at least one --firm, or --consultant"),
        (["bad name!", "--email", "h@ocius.example", "--firm", "ocius"], "username: Enter a valid username."),
    ],
)
def test_bad_input_is_refused_naming_what_and_creates_nobody(args, expected):
    CompanyFactory(slug="ocius", name="Ocius Technology")
    with pytest.raises(CommandError, match=expected):
        add_user(*args)
    assert not User.objects.exists()


def test_an_existing_username_is_refused():
    CompanyFactory(slug="ocius", name="Ocius Technology")
    add_user("hana", "--email", "hana@ocius.example", "--firm", "ocius")
    with pytest.raises(CommandError, match="A user named 'HANA' already exists."):
        add_user("HANA", "--email", "other@ocius.example", "--firm", "ocius")
    assert User.objects.count() == 1


def test_an_address_another_account_uses_is_refused():
    CompanyFactory(slug="ocius", name="Ocius Technology")
    add_user("hana", "--email", "hana@ocius.example", "--firm", "ocius")

    with pytest.raises(CommandError, match="email: Another account already uses this email address."):
        add_user("dup", "--email", "Hana@Ocius.example", "--firm", "ocius")
    assert list(User.objects.values_list("username", flat=True)) == ["hana"]


def test_a_name_and_an_address_both_taken_are_said_one_per_line_each_naming_its_field():
    CompanyFactory(slug="ocius", name="Ocius Technology")
    add_user("hana", "--email", "hana@ocius.example", "--firm", "ocius")

    with pytest.raises(CommandError) as refused:
        add_user("Hana", "--email", "HANA@ocius.example", "--firm", "ocius")

    assert str(refused.value).splitlines() == [
        "username: A user named 'Hana' already exists.",
        "email: Another account already uses this email address.",
    ]
    assert User.objects.count() == 1
