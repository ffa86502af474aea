"""Saving, listing and following saved searches."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve

from ficarchive.search.models import SAVED_SEARCH_LIMIT, SavedSearch

LISTING_VIEWS = {"works", "search", "tag_works", "user_works", "pseud", "series"}


class SaveSearchForm(forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "Give the search a name."})
    path = forms.CharField(max_length=500)
    query = forms.CharField(max_length=2000, required=False)

    def clean_path(self) -> str:
        path = self.cleaned_data["path"]
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if not path.startswith("/") or match is None or match.url_name not in LISTING_VIEWS:
            raise forms.ValidationError("Only works listings and searches can be saved.")
        return path


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SaveSearchForm(request.POST if "save" in request.POST else None)
    if request.method == "POST":
        if "delete" in request.POST:
            get_object_or_404(user.saved_searches, pk=request.POST["delete"]).delete()
            messages.success(request, "The saved search was deleted.")
            return redirect("saved_searches")
        if "subscribe" in request.POST:
            saved = get_object_or_404(user.saved_searches, pk=request.POST["subscribe"])
            saved.subscribed = not saved.subscribed
            saved.save(update_fields=["subscribed"])
            return redirect("saved_searches")
        if form.is_valid():
            data = form.cleaned_data
            if user.saved_searches.filter(name__iexact=data["name"]).exists():
                form.add_error("name", "You already have a saved search with that name.")
            elif user.saved_searches.count() >= SAVED_SEARCH_LIMIT:
                form.add_error(None, f"You can keep at most {SAVED_SEARCH_LIMIT} saved searches.")
            else:
                SavedSearch.objects.create(user=user, **data)
                messages.success(request, f"Saved “{data['name']}”.")
                return redirect("saved_searches")
    return render(
        request,
        "search/saved.html",
        {"form": form, "searches": user.saved_searches.all()},
    )
