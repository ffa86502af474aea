"""Keep Work.creator_sort true whichever code path changes a byline."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from ficarchive.accounts.models import Pseud
from ficarchive.works.models import Creatorship, Work, refresh_creator_sort


@receiver([post_save, post_delete], sender=Creatorship)
def creatorship_changed(sender, instance: Creatorship, **kwargs) -> None:
    refresh_creator_sort([instance.work_id])


@receiver(pre_save, sender=Pseud)
def remember_pseud_name(sender, instance: Pseud, **kwargs) -> None:
    instance._saved_name = (
        Pseud.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Pseud)
def pseud_renamed(sender, instance: Pseud, created: bool, **kwargs) -> None:
    if not created and instance._saved_name != instance.name:
        refresh_creator_sort(Creatorship.objects.filter(pseud=instance).values("work_id"))


@receiver(post_save, sender=Work)
def work_saved(sender, instance: Work, **kwargs) -> None:
    # Always: save() writes every column, so an instance loaded before a creatorship changed
    # would otherwise put back an old value.
    refresh_creator_sort([instance.pk])
