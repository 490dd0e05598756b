"""The site layer above the apps: home, calendar and its feeds, token pages, the me/tokens API, template tags."""
