"""Account pages: changing one's password, which revokes the API tokens, feed links and webhook endpoints made with
the old one, and says so."""

from django.contrib import messages
from django.contrib.auth import views as auth_views

from portal.services import user_password_changed


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, then every token and secret link of the user revoked (issue 17, finding 5)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        for sentence in user_password_changed(user=form.user):
            messages.info(self.request, sentence)
        return response
