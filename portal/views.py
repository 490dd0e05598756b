"""Site-wide pages."""

from django.shortcuts import render


def home(request):
    """What Kakehashi is, with upcoming deadlines and a search box."""
    return render(request, "portal/home.html")
