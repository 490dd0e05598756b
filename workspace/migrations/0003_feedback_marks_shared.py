"""Recount every firm's wrong-technology marks from its feedback and the records' areas today, with the other main
areas of each marked record that shared its main place (matching.FeedbackMark.shared_with), so marks written before
the field existed follow the rule at once. The same counting as workspace.services.marks_count, written out here
because a migration reads the models as they were."""

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
    FeedbackMark.objects.all().delete()
    for company_id, opportunity_ids in marked.items():
        links = list(
            OpportunityArea.objects.filter(opportunity_id__in=opportunity_ids, weight__gt=0).values_list(
                "opportunity_id", "technology_area_id", "technology_area__slug", "weight"
            )
        )
        top: dict[int, float] = {}
        for opp, _area, _slug, weight in links:
            top[opp] = max(top.get(opp, 0.0), weight)
        main: dict[int, list[tuple[int, str]]] = {}
        for opp, area, slug, weight in links:
            if weight >= top[opp]:
                main.setdefault(opp, []).append((area, slug))
        counts: dict[int, tuple[int, list[list[str]]]] = {}
        for areas in main.values():
            for area, slug in areas:
                records, shared_with = counts.get(area, (0, []))
                others = sorted(other for _id, other in areas if other != slug)
                counts[area] = (records + 1, shared_with + [others] if others else shared_with)
        FeedbackMark.objects.bulk_create(
            FeedbackMark(company_id=company_id, technology_area_id=area, records=n, shared_with=sorted(others))
            for area, (n, others) in sorted(counts.items())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_field_verbose_names"),
        ("matching", "0008_feedback_mark_shared"),
        ("programmes", "0011_field_verbose_names"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
