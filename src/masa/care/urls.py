"""Care pages. Each part keeps its own routes (looked after, leavers and missing, exploitation,
LADO and private fostering, the 903 return)."""

from .urls_exploitation import urlpatterns as exploitation_urls
from .urls_looked_after import urlpatterns as looked_after_urls
from .urls_missing import urlpatterns as missing_urls
from .urls_returns import urlpatterns as returns_urls

app_name = "care"

urlpatterns = [*looked_after_urls, *missing_urls, *exploitation_urls, *returns_urls]
