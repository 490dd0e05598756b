"""Template tags for the workspace buttons shown on listings, detail pages and my matches."""

from django import template

from workspace.forms import reason_choices
from workspace.models import PipelineEntry

register = template.Library()


@register.inclusion_tag("workspace/_pipeline_buttons.html", takes_context=True)
def pipeline_buttons(context, opportunity, company, stage=None):
    """Follow and Pursue for a record not in the firm's pipeline; its stage and a link when it is."""
    labels = dict(PipelineEntry.Stage.choices)
    return {
        "opportunity": opportunity,
        "company": company,
        "stage": stage,
        "stage_label": labels.get(stage, ""),
        "can_edit": context.get("can_edit_workspace", False),
        "next": context["request"].get_full_path(),
    }


@register.inclusion_tag("workspace/_feedback_buttons.html", takes_context=True)
def feedback_buttons(context, opportunity, company, dismissed=False):
    """'Not relevant' with a reason and a note, or one-click undo for a dismissed match."""
    return {
        "opportunity": opportunity,
        "company": company,
        "dismissed": dismissed,
        "reasons": reason_choices(),
        "can_edit": context.get("can_edit_workspace", False),
        "next": context["request"].get_full_path(),
    }
