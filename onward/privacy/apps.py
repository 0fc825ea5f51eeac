from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "onward.privacy"
    label = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from onward.accounts.permissions import Perm
        from onward.core import contributions
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.people import restriction
        from onward.portal import data_rights
        from onward.privacy import portal
        from onward.privacy.access import restricted_hidden_from
        from onward.privacy.demo import load_privacy_demo
        from onward.privacy.home import person_corrections, privacy_tasks

        # A restricted record is hidden from every role the restriction does not name (people.restriction).
        restriction.register_hidden_condition("privacy", restricted_hidden_from)
        contributions.register_demo_loader("privacy", load_privacy_demo, order=80)
        contributions.register_home_tasks("privacy", privacy_tasks, order=80)
        contributions.register_page_section("people:person-detail", "privacy", person_corrections, order=45)
        # The young person's "this is wrong" and "ask for a copy" in their own service (onward.portal).
        data_rights.register(portal.RIGHTS)
        menu(
            NavItem(
                "Subject access requests",
                "privacy:request-list",
                (Perm.HANDLE_SUBJECT_ACCESS, Perm.APPROVE_SUBJECT_ACCESS),
                council_staff_only=True,
            ),
            order=282,
        )
        menu(
            NavItem(
                "Requests to correct a record",
                "privacy:correction-list",
                (Perm.HANDLE_SUBJECT_ACCESS, Perm.CHANGE_PEOPLE),
                council_staff_only=True,
            ),
            order=281,
        )
        menu(
            NavItem(
                "Restricted records", "privacy:restriction-list", (Perm.RESTRICT_RECORDS,), council_staff_only=True
            ),
            order=283,
        )
        menu(NavItem("Retention", "privacy:retention", (Perm.MANAGE_RETENTION,), council_staff_only=True), order=284)
        menu(
            NavItem(
                "Record of processing",
                "privacy:record-of-processing",
                (Perm.VIEW_RECORD_OF_PROCESSING,),
                council_staff_only=True,
            ),
            order=285,
        )
