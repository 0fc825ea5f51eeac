from django.urls import path

from onward.accounts import scim, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("set-password/<uidb64>/<token>/", views.set_password, name="set-password"),
    path("password-set/", views.password_set, name="password-set"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("account/", views.account, name="account"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/add/", views.team_create, name="team-create"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/change/", views.team_update, name="team-update"),
    path("users/", views.user_list, name="user-list"),
    path("users/add/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/change/", views.user_update, name="user-update"),
    path("users/<int:pk>/set-password-link/", views.user_set_password_link, name="user-set-password-link"),
    path("users/<int:pk>/reset-two-factor/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("sign-in-settings/", views.sign_in_settings, name="sign-in-settings"),
    path("sign-in-settings/provisioning-tokens/", views.scim_token_create, name="scim-token-create"),
    path("sign-in-settings/saml/", views.saml_settings, name="saml-settings"),
    path("saml/<int:organisation>/metadata/", views.saml_metadata, name="saml-metadata"),
    path("saml/<int:organisation>/acs/", views.saml_acs, name="saml-acs"),
    path("sign-in-settings/provisioning-tokens/revoke/", views.scim_token_revoke, name="scim-token-revoke"),
    path("scim/v2/Users", scim.users, name="scim-users"),
    path("scim/v2/Users/<str:scim_id>", scim.user, name="scim-user"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/add/", views.partner_add, name="partner-add"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/<int:pk>/change/", views.partnership_change, name="partnership-change"),
]
