from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ficarchive.search"
    label = "search"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate

        from ficarchive.search.index import prune_orphans, remove_works
        from ficarchive.works.models import Work

        post_migrate.connect(
            lambda sender, using="default", **kwargs: prune_orphans(using),
            sender=self,
            weak=False,
            dispatch_uid="search-prune-orphans",
        )
        # However a work is deleted (page, admin, cascade), it leaves the text index.
        post_delete.connect(
            lambda sender, instance, **kwargs: remove_works([instance.pk]),
            sender=Work,
            weak=False,
            dispatch_uid="search-remove-deleted-work",
        )
