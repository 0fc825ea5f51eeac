from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "onward.network"
    label = "network"
    verbose_name = "The network around each young person"

    def ready(self) -> None:
        from onward.network import registry

        registry.register_all()
        # Settings' on-roll lists in the core import flow (core.imports).
        from onward.core import imports
        from onward.network.services import RollListKind

        imports.register(RollListKind())
        from onward.accounts.permissions import Perm
        from onward.core import contributions
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.network.demo import load_network_demo
        from onward.network.home import person_network

        contributions.register_demo_loader("network", load_network_demo, order=85)
        contributions.register_page_section("people:person-detail", "network", person_network, order=25)
        menu(NavItem("Schools and colleges", "network:setting-list", council_staff_only=True), order=225)
        menu(
            NavItem(
                "Sharing agreements",
                "network:agreement-list",
                (Perm.MANAGE_AGREEMENTS, Perm.EXCHANGE_LISTS),
                council_staff_only=True,
            ),
            order=226,
        )
