"""Recount every firm's wrong-technology marks with how many came from records whose main area is shared
(matching.FeedbackMark.shared), so marks written before the field existed follow the rule at once."""

from django.db import migrations


def recount(apps, schema_editor):
    MatchFeedback = apps.get_model("workspace", "MatchFeedback")
    OpportunityArea = apps.get_model("programmes", "OpportunityArea")
    FeedbackMark = apps.get_model("matching", "FeedbackMark")
    marked: dict[int, list[int]] = {}
    for company_id, opportunity_id in MatchFeedback.objects.filter(reason="wrong_technology").values_list(
        "company_id", "opportunity_id"
    ):
        marked.setdefault(company_id, []).append(opportunity_id)
    for company_id, opportunity_ids in marked.items():
        top: dict[int, float] = {}
        links = list(
            OpportunityArea.objects.filter(opportunity_id__in=opportunity_ids, weight__gt=0).values_list(
                "opportunity_id", "technology_area_id", "weight"
            )
        )
        for opp, _area, weight in links:
            top[opp] = max(top.get(opp, 0.0), weight)
        main: dict[int, list[int]] = {}
        for opp, area, weight in links:
            if weight >= top[opp]:
                main.setdefault(opp, []).append(area)
        shared: dict[int, int] = {}
        for areas in main.values():
            for area in areas:
                shared[area] = shared.get(area, 0) + (len(areas) > 1)
        for area, n in shared.items():
            FeedbackMark.objects.filter(company_id=company_id, technology_area_id=area).update(shared=n)


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_field_verbose_names"),
        ("matching", "0008_feedback_mark_shared"),
        ("programmes", "0011_field_verbose_names"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
