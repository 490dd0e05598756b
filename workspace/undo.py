"""The Undo button of a "hidden from your matches" message: the message's extra tag names the firm and the record
whose feedback the button withdraws. Written by workspace.views, read by the template tag that draws the button."""

# The tag's kind, followed by ":<firm>:<record>".
UNDO_FEEDBACK = "undo-feedback"


def undo_feedback_tag(*, company_slug: str, opportunity_slug: str) -> str:
    """The extra tag of a message offering to undo the feedback on OPPORTUNITY_SLUG by COMPANY_SLUG."""
    return f"{UNDO_FEEDBACK}:{company_slug}:{opportunity_slug}"


def undo_feedback_target(extra_tags: str | None) -> tuple[str, str] | None:
    """The (firm, record) slugs a message's EXTRA_TAGS offer to undo; None for any other message."""
    kind, _sep, target = (extra_tags or "").partition(":")
    company, _sep, opportunity = target.partition(":")
    return (company, opportunity) if kind == UNDO_FEEDBACK and company and opportunity else None
