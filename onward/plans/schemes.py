"""Rating schemes: how a plan grades the progress of each item.

Two schemes are built in, with the wording councils use: RAG (Green, Amber, Red) and the 1 to 4
grading (1 Fully achieved, 2 On track, 3 Slipped, 4 Not achieved). An administrator may define
others (``RatingScheme`` with its ordered ``Rating`` rows). Each plan chooses one, and every
reading of a scheme goes through :class:`Scheme`, whichever kind it is, so pages and committee
documents never ask where a scheme came from.

``colour`` is a GOV.UK tag colour (``green``, ``yellow``, ``red``, ``blue``, ``grey``,
``orange``, ``purple``, ``turquoise``, ``pink``); ``tone`` says what the rating means for
progress (``good``, ``concern``, ``poor``, ``neutral``) so summaries can order and total them.
"""

from __future__ import annotations

from dataclasses import dataclass

TAG_COLOURS = ("green", "yellow", "orange", "red", "blue", "turquoise", "purple", "pink", "grey")
# Hex values of the GOV.UK tag colours, for documents that cannot use the tag classes.
HEX = {
    "green": "#00703c",
    "yellow": "#ffdd00",
    "orange": "#f47738",
    "red": "#d4351c",
    "blue": "#1d70b8",
    "turquoise": "#28a197",
    "purple": "#4c2c92",
    "pink": "#d53880",
    "grey": "#505a5f",
}

RAG = "rag"
GRADING = "grading"
CUSTOM = "custom"


@dataclass(frozen=True)
class RatingOption:
    key: str
    label: str
    description: str
    colour: str

    @property
    def hex(self) -> str:
        return HEX.get(self.colour, HEX["grey"])

    @property
    def display(self) -> str:
        """How the rating is written in lists and documents ("2. On track", "Green")."""
        return f"{self.key}. {self.label}" if self.key.isdigit() else self.label


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    description: str
    ratings: tuple[RatingOption, ...]

    def get(self, key: str) -> RatingOption | None:
        for rating in self.ratings:
            if rating.key == key:
                return rating
        return None

    def display_of(self, key: str) -> str:
        """How a stored rating key is written; empty when the update was not rated."""
        rating = self.get(key)
        return rating.display if rating else ""

    @property
    def keys(self) -> list[str]:
        return [rating.key for rating in self.ratings]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(rating.key, f"{rating.display}: {rating.description}") for rating in self.ratings]

    @property
    def legend(self) -> str:
        """The key printed at the end of a document: every rating and what it means."""
        return "; ".join(f"{rating.display} = {rating.description}" for rating in self.ratings)


BUILT_IN: dict[str, Scheme] = {
    RAG: Scheme(
        key=RAG,
        name="RAG (red, amber, green)",
        description="Green, amber or red, by how far the action is on schedule.",
        ratings=(
            RatingOption("G", "Green", "On schedule, with no or minor challenges", "green"),
            RatingOption("A", "Amber", "Started, with some challenges being encountered", "yellow"),
            RatingOption("R", "Red", "Substantial challenges encountered", "red"),
        ),
    ),
    GRADING: Scheme(
        key=GRADING,
        name="Grading 1 to 4",
        description="A grade assessing progress against the recommendation.",
        ratings=(
            RatingOption("1", "Fully achieved", "The recommendation has been fully achieved", "green"),
            RatingOption("2", "On track", "Progress is on track to achieve the recommendation", "blue"),
            RatingOption("3", "Slipped", "Progress has slipped against the agreed timescale", "yellow"),
            RatingOption("4", "Not achieved", "The recommendation has not been achieved", "red"),
        ),
    ),
}

SCHEME_CHOICES = [(RAG, BUILT_IN[RAG].name), (GRADING, BUILT_IN[GRADING].name), (CUSTOM, "A scheme defined here")]
