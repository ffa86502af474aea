"""Every URL of the archive, in one place, so a newcomer can see the whole site at once."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from ficarchive import errors, health, metrics
from ficarchive.accounts import invitation_views as invitations
from ficarchive.accounts import views as accounts
from ficarchive.accounts.forms import AdminLoginForm, LoginForm
from ficarchive.api import feeds, opds
from ficarchive.api import views as api_views
from ficarchive.api.v1 import api
from ficarchive.community.views import account as community_account
from ficarchive.community.views import creators, feedback, moderation, tracking
from ficarchive.search import views as search
from ficarchive.tags import views as tags
from ficarchive.tags import wrangler_views as wrangler
from ficarchive.tags.converters import TagNameConverter
from ficarchive.works import imports
from ficarchive.works import views as works

register_converter(TagNameConverter, "tag")
admin.site.login_form = AdminLoginForm  # the same login throttle as the site's own form

urlpatterns = [
    path("", works.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    # Works and chapters
    path("works/", works.work_index, name="works"),
    path("works/new/", works.work_new, name="work_new"),
    path("works/import/", imports.import_works, name="import_works"),
    path("works/import/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("search/", works.search, name="search"),
    path("works/<int:work_id>/", works.work_show, name="work"),
    path("works/<int:work_id>/edit/", works.work_edit, name="work_edit"),
    path("works/<int:work_id>/delete/", works.work_delete, name="work_delete"),
    path("works/<int:work_id>/post/", works.work_post_draft, name="work_post_draft"),
    path("works/<int:work_id>/complete/", works.work_mark_complete, name="work_complete"),
    path("works/<int:work_id>/navigate/", works.chapter_index, name="chapter_index"),
    path("works/<int:work_id>/chapters/new/", works.chapter_new, name="chapter_new"),
    path("works/<int:work_id>/chapters/order/", works.chapter_order, name="chapter_order"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/", works.chapter_show, name="chapter"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/edit/",
        works.chapter_edit,
        name="chapter_edit",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/delete/",
        works.chapter_delete,
        name="chapter_delete",
    ),
    # Feedback and keeping track of a work
    path("works/<int:work_id>/kudos/", feedback.leave_kudos, name="kudos"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/comments/",
        feedback.comment_new,
        name="comment_new",
    ),
    path("works/<int:work_id>/moderation/", feedback.work_moderation, name="work_moderation"),
    path("works/<int:work_id>/bookmark/", tracking.bookmark_work, name="bookmark_work"),
    path("works/<int:work_id>/bookmarks/", tracking.work_bookmarks, name="work_bookmarks"),
    path("works/<int:work_id>/subscribe/", tracking.subscribe_work, name="subscribe_work"),
    path("works/<int:work_id>/orphan/", creators.orphan, name="work_orphan"),
    path("works/<int:work_id>/later/", tracking.mark_for_later, name="mark_for_later"),
    path("comments/<int:comment_id>/", feedback.comment_show, name="comment"),
    path("comments/<int:comment_id>/reply/", feedback.comment_reply, name="comment_reply"),
    path("comments/<int:comment_id>/edit/", feedback.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", feedback.comment_delete, name="comment_delete"),
    path(
        "comments/<int:comment_id>/<str:action>/",
        feedback.comment_moderate,
        name="comment_moderate",
    ),
    path("bookmarks/<int:bookmark_id>/delete/", tracking.bookmark_delete, name="bookmark_delete"),
    path("report/works/<int:work_id>/", moderation.report_work, name="report_work"),
    path("report/comments/<int:comment_id>/", moderation.report_comment, name="report_comment"),
    path("report/users/<str:username>/", moderation.report_user, name="report_user"),
    path("staff/reports/", moderation.report_queue, name="report_queue"),
    path("staff/invitations/", invitations.staff_invitations, name="staff_invitations"),
    path("staff/reports/<int:report_id>/", moderation.report_detail, name="report_detail"),
    path("unsubscribe/<str:token>/", tracking.unsubscribe_link, name="unsubscribe_link"),
    path("downloads/<int:work_id>/<str:key>/", works.download, name="download"),
    path("adult/back/", works.adult_gate_back, name="adult_gate_back"),
    path("invitations/<int:creatorship_id>/", works.invitation_answer, name="invitation_answer"),
    # Series
    path("series/<int:series_id>/", works.series_show, name="series"),
    path("series/<int:series_id>/edit/", works.series_edit, name="series_edit"),
    path("series/<int:series_id>/bookmark/", tracking.bookmark_series, name="bookmark_series"),
    path("series/<int:series_id>/subscribe/", tracking.subscribe_series, name="subscribe_series"),
    # Tags
    path("autocomplete/tags/", tags.autocomplete, name="tag_autocomplete"),
    path("tags/<tag:name>/", tags.tag_show, name="tag"),
    path("tags/<tag:name>/wrangle/", wrangler.tag_edit, name="tag_wrangle"),
    path("tags/<tag:name>/works/", tags.tag_works, name="tag_works"),
    path("fandoms/", tags.fandom_index, name="fandoms"),
    # Wrangling
    path("wrangling/", wrangler.home, name="wrangling"),
    path("wrangling/unwrangled/", wrangler.unwrangled, name="unwrangled"),
    path("wrangling/log/", wrangler.log, name="wrangling_log"),
    # People
    path("users/<str:username>/", accounts.user_profile, name="user"),
    path("users/<str:username>/works/", accounts.user_works, name="user_works"),
    path("users/<str:username>/series/", accounts.user_series, name="user_series"),
    path("users/<str:username>/bookmarks/", tracking.user_bookmarks, name="user_bookmarks"),
    path("users/<str:username>/stats/", creators.creator_stats, name="creator_stats"),
    path("users/<str:username>/subscribe/", tracking.subscribe_user, name="subscribe_user"),
    path("users/<str:username>/pseuds/<str:pseud_name>/", accounts.pseud_works, name="pseud"),
    # The signed-in user's own pages
    path("account/", accounts.dashboard, name="dashboard"),
    path("account/signup/", accounts.signup, name="signup"),
    path("account/signup/<str:token>/", accounts.signup, name="signup_invited"),
    path("join/", invitations.join_queue, name="join"),
    path("join/status/", invitations.queue_status, name="join_status"),
    path("account/preferences/", accounts.preferences, name="preferences"),
    path("account/pseuds/", accounts.pseud_list, name="pseuds"),
    path("account/muted/", accounts.muted, name="muted"),
    path("account/inbox/", community_account.inbox, name="inbox"),
    path("account/community/", community_account.preferences, name="community_preferences"),
    path("account/blocked/", community_account.blocked, name="blocked"),
    path("account/subscriptions/", tracking.subscription_list, name="subscriptions"),
    path("account/history/", tracking.history_list, name="history"),
    path("account/history/clear/", tracking.history_clear, name="history_clear"),
    path("account/searches/", search.saved_searches, name="saved_searches"),
    path("account/pseuds/new/", accounts.pseud_edit, name="pseud_new"),
    path("account/pseuds/<int:pseud_id>/edit/", accounts.pseud_edit, name="pseud_edit"),
    path("account/pseuds/<int:pseud_id>/delete/", accounts.pseud_delete, name="pseud_delete"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/tokens/", api_views.tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", api_views.token_revoke, name="api_token_revoke"),
    # Open doors: the JSON API, Atom feeds, the OPDS catalogue (docs/api.md)
    path("api/v1/", api.urls),
    path("tags/<tag:name>/works/feed.atom", feeds.TagFeed(), name="tag_feed"),
    path("users/<str:username>/works/feed.atom", feeds.CreatorFeed(), name="user_feed"),
    path("series/<int:series_id>/feed.atom", feeds.SeriesFeed(), name="series_feed"),
    path("searches/<str:token>/feed.atom", feeds.SavedSearchFeed(), name="saved_search_feed"),
    path("opds/", opds.root, name="opds_root"),
    path("opds/new/", opds.new_works, name="opds_new"),
    path("opds/fandoms/", opds.fandoms, name="opds_fandoms"),
    path("opds/tags/", opds.popular_tags, name="opds_tags"),
    path("opds/tags/<int:tag_id>/", opds.tag_works, name="opds_tag"),
    path("opds/series/", opds.series_index, name="opds_series_index"),
    path("opds/series/<int:series_id>/", opds.series_works, name="opds_series"),
    path("opds/search/", opds.search, name="opds_search"),
    path("opds/opensearch.xml", opds.opensearch, name="opds_opensearch"),
    path("opds/works/<int:work_id>/<str:key>/", opds.download, name="opds_download"),
    path("admin/", admin.site.urls),
]

handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
