"""Company profile pages: staff see and edit their own firm; consultants see all."""

from django.views.generic import DetailView

from companies.models import Company


class CompanyDetailView(DetailView):
    template_name = "companies/company_detail.html"

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user)
