"""Pages of this app, mounted in English and under /ja/ by web/urls.py."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("my/notifications/", views.notification_settings, name="notification_settings"),
    path("my/notifications/email/", views.email_set, name="email_set"),
    path("my/notifications/feed/", views.feed_link, name="feed_link"),
    path("my/notifications/feed/revoke/", views.feed_link_delete, name="feed_link_revoke"),
    path("my/notifications/unsubscribe-all/", views.unsubscribe_all, name="unsubscribe_all"),
    path("my/saved-searches/", views.saved_search_add, name="saved_search_add"),
    path("my/saved-searches/<int:pk>/delete/", views.saved_search_remove, name="saved_search_delete"),
    path("my/saved-searches/<int:pk>/frequency/", views.saved_search_frequency_set, name="saved_search_frequency"),
    path("my/webhooks/", views.webhook_list, name="webhook_list"),
    path("my/webhooks/add/", views.webhook_create, name="webhook_create"),
    path("my/webhooks/<int:pk>/switch-off/", views.webhook_switch_off, name="webhook_switch_off"),
    path("my/webhooks/<int:pk>/switch-on/", views.webhook_switch_on, name="webhook_switch_on"),
    path("my/webhooks/<int:pk>/rotate-secret/", views.webhook_rotate_secret, name="webhook_rotate_secret"),
    path("my/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    # Secrets travel in the query string (?token=), which the access log leaves out (gunicorn.conf.py, issue 17).
    path("feeds/alerts.atom", views.feed, name="feed"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("confirm-email/", views.email_confirm, name="email_confirm"),
]
