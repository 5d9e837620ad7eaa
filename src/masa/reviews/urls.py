"""Case review pages. Each part of the app keeps its own routes (pipeline, pack, learning)."""

from .urls_learning import urlpatterns as learning_urls
from .urls_pack import urlpatterns as pack_urls
from .urls_pipeline import urlpatterns as pipeline_urls

app_name = "reviews"

urlpatterns = [*pipeline_urls, *pack_urls, *learning_urls]
