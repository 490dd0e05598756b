"""Alert subscriptions and their state: saved searches, notification settings and webhook endpoints."""
