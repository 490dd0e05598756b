"""Opportunity pages for company staff and the public."""

from django.views.generic import DetailView, ListView

from programmes.models import Opportunity


class OpportunityListView(ListView):
    template_name = "programmes/opportunity_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Opportunity.objects.visible_to(self.request.user).for_listing()


class OpportunityDetailView(DetailView):
    template_name = "programmes/opportunity_detail.html"

    def get_queryset(self):
        return Opportunity.objects.visible_to(self.request.user).for_detail()
