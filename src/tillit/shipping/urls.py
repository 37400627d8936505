app_name = "shipping"
# Shipping has no public pages: tracking links point at the carriers' own pages, and
# staff work in the admin.
urlpatterns: list = []
