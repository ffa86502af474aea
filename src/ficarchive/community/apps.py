from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ficarchive.community"
    label = "community"
    verbose_name = "Community: kudos, comments, bookmarks, subscriptions"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, pre_delete

        from ficarchive.community.services import counts

        # However an account is deleted (admin, shell), the works it left feedback on keep
        # true figures: note them before the cascade, recount after it. Its comments with
        # replies stay as "(Previous comment deleted.)" so other people's replies survive;
        # the rest go.
        def note(sender, instance, **kwargs):
            instance._feedback_works = counts.works_touched_by(instance)
            instance._comment_ids = counts.comments_by(instance)

        def recount(sender, instance, **kwargs):
            counts.detach_threads(getattr(instance, "_comment_ids", []))
            counts.recount(getattr(instance, "_feedback_works", ()))

        User = get_user_model()
        pre_delete.connect(note, sender=User, weak=False, dispatch_uid="community-note-works")
        post_delete.connect(recount, sender=User, weak=False, dispatch_uid="community-recount")
