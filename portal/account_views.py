"""Account pages: changing one's password, which revokes the API tokens and feed links minted with the old one."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import ngettext

from portal.services import user_password_changed


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, then every token and secret link of the user revoked (issue 17, finding 5)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = user_password_changed(user=form.user)
        if revoked:
            text = ngettext(
                "Your API token was revoked: make a new one on the API tokens page.",
                "Your %(count)d API tokens were revoked: make new ones on the API tokens page.",
                revoked,
            ) % {"count": revoked}
            messages.info(self.request, text)
        return response
