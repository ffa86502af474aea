from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ficarchive.community"
    label = "community"
    verbose_name = "Community: kudos, comments, bookmarks, subscriptions"
