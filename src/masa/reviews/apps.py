from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "masa.reviews"
    label = "reviews"
    verbose_name = "Case reviews and learning"
