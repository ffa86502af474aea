"""Readable placeholder prose for the demo archive, written from our own word lists.

A demo archive needs chapters that look like stories (names, places, weather, dialogue)
so that pages, word counts, search and downloads can be tried on something realistic.
Everything here is invented and family-friendly, and the only source of chance is one
`random.Random(seed)`, so a seed gives the same text on every machine and Python version
that keeps `random`'s documented reproducibility.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

NAMES = [
    "Maren", "Tobin", "Isolde", "Corvin", "Wren", "Ottilie", "Bastian", "Linnea", "Anselm",
    "Perpetua", "Quill", "Rosalind", "Emrys", "Juniper", "Fennick", "Saoirse", "Cassius",
    "Delphine", "Ivo", "Marguerite", "Thaddeus", "Nell", "Oriel", "Percival", "Sunniva",
]  # fmt: skip

PLACES = [
    "the old lighthouse", "the harbour market", "the library tower", "the greenhouse",
    "the bakery on Tallow Lane", "the station platform", "the orchard", "the rooftop garden",
    "the workshop", "the ferry landing", "the attic", "the village green", "the observatory",
    "the tea room", "the riverbank", "the narrow stairwell", "the kitchen", "the north road",
    "the clock tower", "the bookshop", "the courtyard", "the pier", "the map room",
    "the back porch", "the lantern hall",
]  # fmt: skip

THINGS = [
    "a brass compass", "the chipped teacup", "a folded map", "the spare key", "a paper lantern",
    "a jar of honey", "the last slice of cake", "a bundle of letters", "a wool scarf",
    "the borrowed umbrella", "a pocket watch", "a tin of biscuits", "the ledger",
    "a sketchbook", "a basket of apples", "the music box", "a candle stub", "a ribbon",
    "a weathered postcard", "the kettle", "a loaf of bread", "a coil of rope", "the telescope",
    "a pair of gloves", "a sprig of lavender",
]  # fmt: skip

ACTIONS = [
    "picked up {thing}", "set {thing} on the windowsill", "hurried across {place}",
    "lingered by the door", "counted the steps under their breath", "polished {thing}",
    "wrote a short note and folded it twice", "put the kettle on", "opened the shutters",
    "studied {thing} for a long moment", "wandered toward {place}", "laughed despite everything",
    "tucked {thing} into a coat pocket", "straightened the crooked picture frame",
    "knelt to tie a bootlace", "listened for footsteps", "leaned against the railing",
    "turned {thing} over in their hands", "swept the crumbs from the table",
    "lit the lamp", "climbed the last few steps", "found {thing} exactly where it should be",
    "pretended not to notice", "hummed an old tune", "checked the time again",
    "stacked the books into a careful tower", "watered the herbs on the sill",
    "traced the route on the map", "waved from across {place}", "took a slow breath",
]  # fmt: skip

TIMES = [
    "At first light", "Later that evening", "Just after noon", "Before anyone else was awake",
    "When the bells rang six", "By the time the kettle boiled", "Three days later",
    "Long after midnight", "On the morning of the fair", "Halfway through supper",
    "As the tide came in", "Some time later", "The next day", "That afternoon",
    "Once the rain had stopped", "Near the end of the week",
]  # fmt: skip

WEATHER = [
    "Rain drummed softly against the windows.", "The wind carried the smell of the sea.",
    "Fog rolled in from the harbour and swallowed the street lamps.",
    "A pale sun broke through the clouds.", "Snow had begun to fall, slow and silent.",
    "The evening air was warm and full of crickets.", "Thunder grumbled somewhere far away.",
    "Frost had painted ferns across the glass.", "The sky turned the colour of apricots.",
    "A cold drizzle settled over everything.", "Leaves skittered along the cobblestones.",
    "The first stars appeared above the rooftops.", "It was the kind of grey day that hums.",
    "Sunlight pooled on the floorboards like spilled honey.",
]  # fmt: skip

SOUNDS = [
    "the creak of the floorboards", "distant gulls", "a kettle whistling somewhere",
    "the clock in the hall", "rain in the gutters", "a cart rattling past",
    "someone practising scales upstairs", "the hiss of the stove", "wind chimes",
    "the slow tick of the radiator", "a dog barking two streets away",
]  # fmt: skip

SMELLS = [
    "rain and woodsmoke", "cinnamon and old paper", "salt and engine oil", "fresh bread",
    "wet wool", "lemon soap", "pine needles", "burnt sugar", "ink and dust", "mint tea",
]  # fmt: skip

FEELINGS = [
    "felt oddly calm", "could not stop smiling", "felt the old worry settle",
    "was suddenly very tired", "wondered whether this had been a terrible idea",
    "felt a little braver than before", "let out a breath they had been holding",
    "decided not to mention it", "felt, for once, entirely at home",
    "was glad of the company", "tried very hard to look unimpressed",
    "realised they were grinning", "missed the old days, just a little",
]  # fmt: skip

ADVERBS = [
    "quietly", "softly", "at last", "with a crooked smile", "after a long pause",
    "without looking up", "dryly", "warmly", "under their breath", "cheerfully",
    "a little too quickly", "patiently", "with great dignity", "fondly",
]  # fmt: skip

DETAILS = [
    "A cat slept in a square of sunlight.", "Someone had chalked a hopscotch grid on the path.",
    "The shelves sagged under jars of buttons and string.", "A kite was tangled in the elm.",
    "Every chair in the room was a different colour.", "The stove ticked as it cooled.",
    "A row of boots stood drying by the door.", "Moss had crept over the old sundial.",
    "The curtains were patched with squares of bright cloth.",
    "Lanterns swayed from the eaves on long chains.", "The floor was scattered with maps.",
    "A chipped blue bowl held three perfect pears.", "The bell above the door jingled.",
]  # fmt: skip

MEMORIES = [
    "the summer the river froze", "the first time they had met", "the night of the great storm",
    "the fair where everything went wrong", "learning to row in the harbour",
    "a birthday cake that had collapsed spectacularly", "the long walk home from the coast",
    "the winter they had shared one coat", "a song their grandmother used to sing",
]  # fmt: skip

SAID = ["said", "murmured", "admitted", "replied", "called", "whispered", "announced", "offered"]
ASKED = ["asked", "wondered aloud", "asked gently", "demanded", "asked again"]

GESTURES = [
    "shrugged", "laughed", "sighed", "looked up from the map", "tapped the table twice",
    "tilted their head", "raised an eyebrow", "grinned", "folded their arms",
    "set down the teacup", "glanced at the door", "rubbed their cold hands together",
]  # fmt: skip

STATEMENTS = [
    "We should have brought more candles", "I told you the map was upside down",
    "The bakery opens in an hour", "It's only a little rain", "I kept your seat warm",
    "That is not how you hold a compass", "We'll fix it in the morning",
    "You worry too much", "I saved you the last biscuit", "The ferry never leaves on time",
    "Someone has to feed the cat", "I think the clock is fast again",
    "You were right, and I hate it", "Stay for supper", "The lanterns look lovely tonight",
    "Nobody has climbed that tower in years", "I brought the good tea",
    "It's further than it looks", "We make a terrible pair of spies",
    "I'm not lost, I'm exploring",
]  # fmt: skip

QUESTIONS = [
    "Do you trust me", "Have you seen my other glove", "Is it always this quiet here",
    "What if the bridge is out", "Why is there a goose in the kitchen",
    "Did you remember the key", "Are you going to finish that",
    "Do you ever think about leaving", "How long have you known", "Shall we go the long way",
    "What did the letter say", "Can you hear that", "Would you like to dance",
    "Who left the gate open",
]  # fmt: skip

NARRATIVE = [
    "{time}, {name} {action}.",
    "{weather}",
    "{name} {action} while {other} {action}.",
    "{place} smelled of {smell}, and {name} {feeling}.",
    "The only sound was {sound}.",
    "{name} {feeling}.",
    "{other} {action}, and {name} pretended not to watch.",
    "Somewhere beyond {place}, {sound} rose and faded.",
    "{time}, {name} and {other} met at {place}.",
    "It took {name} three tries to find {place}.",
    "{name} {action}, then {action}.",
    "Nobody had expected {other} to arrive so early.",
    "{name} had promised to be sensible, and had mostly kept that promise.",
    "By then {place} was nearly empty.",
    "{other} had left {thing} on the table, as if by accident.",
    "There was flour on {name}'s sleeve and ink on {other}'s fingers.",
    "{name} thought about {place} and {feeling}.",
    "{time}, {sound} drifted in through the open window.",
    "{other} {feeling}, though it was hard to say why.",
    "The plan, such as it was, involved {thing} and a great deal of luck.",
    "{name} knew every crack in the path to {place}.",
    "Later, {name} would say it was the best day of the year.",
    "{other} was already waiting by {place}, looking pleased with themselves.",
    "Between them they had {thing}, {thing}, and no idea what came next.",
    "{weather} {name} {action}.",
    "{detail}",
    "{detail} {name} {action}.",
    "{name} remembered {memory}, and {feeling}.",
    "It reminded {other} of {memory}.",
    "{other} {action} without a word.",
    "If {name} noticed {thing}, they said nothing about it.",
    "The way to {place} was longer than {other} remembered.",
    "{name} and {other} argued cheerfully about {thing} all the way to {place}.",
    "In the end it was {other} who {action}.",
    "For a while neither of them spoke, and the silence was a comfortable one.",
    "{time}, the light over {place} turned gold.",
    "{name} had never been good at goodbyes, or at {place}, or at {thing}.",
    "There was a note pinned to the door of {place} in {other}'s untidy handwriting.",
    "{name} {action}, and for a moment everything was simple.",
    "{other} had opinions about {thing}, most of them loud.",
    "Something about {place} always made {name} feel young again.",
    "{time}, {other} finally {action}.",
]  # fmt: skip

DIALOGUE = [
    '"{statement}," {name} {said} {adverb}.',
    '"{question}?" {name} {asked}.',
    '{name} {gesture}. "{statement}."',
    '"{statement}," {name} {said}. "{statement}."',
    '"{question}?" {other} {asked}, and {name} {gesture}.',
    '"{statement}." {other} {gesture}. "{question}?"',
]

TITLE_ADJECTIVES = [
    "Quiet", "Lantern-Lit", "Borrowed", "Golden", "Last", "Little", "Winter", "Salt-Worn",
    "Second", "Crooked", "Patient", "Wandering", "Hidden", "Gentle", "Silver", "Unfinished",
]  # fmt: skip
TITLE_NOUNS = [
    "Harbour", "Lantern", "Orchard", "Compass", "Tide", "Letter", "Kettle", "Lighthouse",
    "Garden", "Map", "Road", "Morning", "Tower", "Season", "Promise", "Song", "Window",
    "Bridge", "Heart", "Hour", "Ferry", "Star", "Teacup", "Bakery",
]  # fmt: skip
TITLE_VERBS = ["Shared an Umbrella", "Got Lost", "Baked Bread", "Stayed Up Late", "Said Yes"]
TITLES = [
    "The {adj} {noun}", "{noun} and {noun}", "Where the {noun}s Go", "A {noun} for {name}",
    "Five Times {name} {verb} (And One Time They Didn't)", "{noun} of the {adj} {noun}",
    "Under the {adj} {noun}", "All the {adj} {noun}s", "{name} and the {adj} {noun}",
    "Every {noun} Between Us", "What the {noun} Knew", "Home Is a {adj} {noun}",
]  # fmt: skip

SUMMARY_OPENERS = [
    "{name} never meant to lose {thing}.", "Nobody warned {name} about {place}.",
    "{name} and {other} have one week to fix {place}.",
    "It starts with {thing} and a misunderstanding.",
    "The winter fair is coming, and {name} has promised far too much.",
    "{other} has a secret, a borrowed umbrella, and no plan at all.",
]  # fmt: skip
SUMMARY_MIDDLES = [
    "Now {other} is involved, and things are getting complicated.",
    "There will be tea, a great deal of rain, and at least one goose.",
    "{place} may never be the same.", "Some promises are worth keeping.",
    "Somewhere along the way, {name} finds out what home means.",
]  # fmt: skip
SUMMARY_CODAS = [
    "Or: the one where {name} learns to bake.", "Updates on Sundays.",
    "Title from an old sea shanty.", "Fluff with a side of feelings.", "A gift for a friend.",
    "", "", "",
]  # fmt: skip

NOTES = [
    "Thank you for reading! Comments make my day.",
    "This started as a drabble and got out of hand.",
    "Many thanks to my wonderful beta reader.",
    "Written for a winter exchange. Happy holidays!",
    "I have no idea where this is going, but I'm having fun.",
    "Next chapter should be up soon.",
    "Please mind the tags.",
]  # fmt: skip

CHAPTER_TITLES = [
    "Arrivals", "The Long Way Round", "Tea and Thunder", "Lanterns", "Small Hours",
    "The Map Room", "Low Tide", "A Borrowed Umbrella", "Homecoming", "First Frost",
    "The Fair", "Letters", "Crossings", "Keeping Watch", "Departures", "Morning After",
]  # fmt: skip

SCENE_BREAK = "* * *"
_SLOT = re.compile(r"\{(\w+)\}")


class ProseGenerator:
    """Deterministic sentences, paragraphs, chapters, titles and summaries from one seed.

    `names` and `places` let a caller put a work's own characters and settings into the
    text; without them the built-in invented ones are used.
    """

    def __init__(
        self, seed: int, names: Sequence[str] | None = None, places: Sequence[str] | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.names = list(names) if names else list(NAMES)
        self.places = list(places) if places else list(PLACES)
        self._slots: dict[str, Callable[[], str]] = {
            "place": lambda: self._choice(self.places),
            "thing": lambda: self._choice(THINGS),
            "action": lambda: self._choice(ACTIONS),
            "time": lambda: self._choice(TIMES),
            "weather": lambda: self._choice(WEATHER),
            "detail": lambda: self._choice(DETAILS),
            "memory": lambda: self._choice(MEMORIES),
            "sound": lambda: self._choice(SOUNDS),
            "smell": lambda: self._choice(SMELLS),
            "feeling": lambda: self._choice(FEELINGS),
            "adverb": lambda: self._choice(ADVERBS),
            "said": lambda: self._choice(SAID),
            "asked": lambda: self._choice(ASKED),
            "gesture": lambda: self._choice(GESTURES),
            "statement": lambda: self._choice(STATEMENTS),
            "question": lambda: self._choice(QUESTIONS),
            "adj": lambda: self._choice(TITLE_ADJECTIVES),
            "noun": lambda: self._choice(TITLE_NOUNS),
            "verb": lambda: self._choice(TITLE_VERBS),
        }

    # -- building blocks
    def _choice(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def _fill(self, template: str) -> str:
        """Expand {slots}; {name} and {other} stay fixed (and different) within one call."""
        cast = self._cast()

        def pick(match: re.Match[str]) -> str:
            slot = match.group(1)
            if slot in cast:
                return cast[slot]
            return self._slots[slot]()

        text = template
        while "{" in text:
            text = _SLOT.sub(pick, text)
        return text[0].upper() + text[1:] if text else text

    def _cast(self) -> dict[str, str]:
        name = self._choice(self.names)
        others = [n for n in self.names if n != name] or [name]
        return {"name": name, "other": self._choice(others)}

    # -- public pieces
    def sentence(self) -> str:
        """One narrative sentence."""
        return self._fill(self._choice(NARRATIVE))

    def dialogue(self) -> str:
        """One short exchange of speech, with its attribution."""
        return self._fill(self._choice(DIALOGUE))

    def paragraph(self, min_sentences: int = 3, max_sentences: int = 7) -> str:
        """A narrative paragraph, now and then with a line of speech in it."""
        count = min(self.rng.randint(min_sentences, max_sentences), len(NARRATIVE))
        parts = [self._fill(template) for template in self.rng.sample(NARRATIVE, count)]
        if count > 1 and self.rng.random() < 0.25:
            parts.insert(self.rng.randrange(1, count), self.dialogue())
        return " ".join(parts)

    def chapter_text(self, target_words: int) -> str:
        """Plain text of about `target_words` words; paragraphs are separated by blank lines."""
        paragraphs: list[str] = []
        words = 0
        while words < target_words:
            roll = self.rng.random()
            if roll < 0.3:
                para = self.dialogue()
            elif roll < 0.33 and words > 800 and paragraphs[-1] != SCENE_BREAK:
                para = SCENE_BREAK
            else:
                para = self.paragraph(2, 6)
            paragraphs.append(para)
            words += len(para.split()) if para != SCENE_BREAK else 0
        if paragraphs[-1] == SCENE_BREAK:
            paragraphs.pop()
        return "\n\n".join(paragraphs)

    def title(self) -> str:
        """A story title in title case."""
        return self._fill(self._choice(TITLES))

    def chapter_title(self) -> str:
        return self._choice(CHAPTER_TITLES)

    def summary(self) -> str:
        """Two or three sentences, the way authors pitch a story."""
        parts = [
            self._fill(self._choice(SUMMARY_OPENERS)),
            self._fill(self._choice(SUMMARY_MIDDLES)),
        ]
        coda = self._choice(SUMMARY_CODAS)
        if coda:
            parts.append(self._fill(coda))
        return " ".join(parts)

    def note(self) -> str:
        """An author's note."""
        return self._choice(NOTES)
