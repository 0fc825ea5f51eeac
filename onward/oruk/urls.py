"""The Open Referral UK feed of each council (``/oruk/<council>/...``, ORUK v3.0) and the page about it."""

from django.urls import path

from onward.oruk import views

app_name = "oruk"

urlpatterns = [
    path("", views.about, name="about"),
    path("<slug:council>/", views.root, name="root"),
    path("<slug:council>/services", views.services, name="services"),
    path("<slug:council>/services/<str:service_id>", views.service, name="service"),
    path("<slug:council>/service_at_locations", views.service_at_locations, name="service-at-locations"),
    path(
        "<slug:council>/service_at_locations/<str:service_at_location_id>",
        views.service_at_location,
        name="service-at-location",
    ),
    path("<slug:council>/taxonomies", views.taxonomies, name="taxonomies"),
    path("<slug:council>/taxonomies/<str:taxonomy_id>", views.taxonomy, name="taxonomy"),
    path("<slug:council>/taxonomy_terms", views.taxonomy_terms, name="taxonomy-terms"),
    path("<slug:council>/taxonomy_terms/<str:term_id>", views.taxonomy_term, name="taxonomy-term"),
]
