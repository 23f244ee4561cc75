"""A labelled synthetic corpus for the suggestion tests and benchmark: answers to "What got in
the way of using the peer-support program, and what helped?" drawn from six known themes.

Each answer joins two to four of its theme's words, with an opening, joins and a closing
drawn independently from lists every theme shares ("Honestly, stigma plus gossip mattered
most.", "I think time, then overtime with the program."); one answer in five also mentions a
word of another theme in passing (its theme is still the one it was drawn from). About one
answer in eight is very short (its theme's word alone: "Stigma"); ``noise`` answers ("n/a",
"none", "-") have no theme and are to be skipped. The same ``seed`` and ``n`` give the same
corpus.

For measuring how well the number of themes is chosen (benchmarks/bench_auto_k.py), a corpus
can also be drawn from other themes (``themes``: any of :data:`ALL_THEMES`, nine in all), with
more very short answers (``short``) or more cross-talk (``cross_talk``); the defaults give the
six-theme corpus above, unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

#: theme → the words that say it (an answer uses two to four of its theme's)
THEMES: dict[str, list[str]] = {
    "time": ["time", "busy", "shifts", "schedule", "workload", "clinic hours", "overtime",
             "understaffed", "night shifts", "rota"],
    "privacy": ["confidentiality", "privacy", "stigma", "anonymity", "being judged", "my record",
                "gossip", "reputation", "the licensing board", "trust"],
    "connection": ["feeling less alone", "being listened to", "being understood", "connection",
                   "isolation", "being heard", "empathy", "a colleague", "shared experience",
                   "a conversation"],
    "access": ["the sign-up", "the phone number", "emails", "the website", "the referral",
               "the form", "a broken link", "contact details", "information", "the waiting list"],
    "leadership": ["leadership", "our chair", "the culture", "management", "administrators",
                   "the dean", "leaders", "senior staff", "the institution", "endorsement"],
    "counselling": ["counselling", "therapy", "a psychiatrist", "a psychologist", "a therapist",
                    "medication", "depression", "a crisis line", "mental health",
                    "professional help"],
}

#: three more themes, for corpora with up to nine (not part of the default corpus)
EXTRA_THEMES: dict[str, list[str]] = {
    "money": ["cost", "money", "fees", "insurance", "the copay", "salary", "debt",
              "student loans", "billing", "expenses"],
    "family": ["family", "my partner", "the kids", "childcare", "my spouse", "elderly parents",
               "home life", "caring duties", "my children", "pregnancy"],
    "fatigue": ["burnout", "exhaustion", "fatigue", "sleep", "tiredness", "no energy",
                "compassion fatigue", "emotional drain", "sleep deprivation", "worn out"],
}
#: every theme a corpus can be drawn from: the six of the default corpus first
ALL_THEMES: dict[str, list[str]] = {**THEMES, **EXTRA_THEMES}

#: the parts of an answer around its theme's words, drawn independently (so no filler
#: phrase goes with one theme): an opening, the joins between the words, a closing
OPENINGS = ["", "", "", "", "Mostly ", "Honestly, ", "I think ", "For me it was ",
            "The main thing was ", "Really just ", "In my experience ", "Probably ",
            "As a resident, ", "Above all "]
JOINS = [" and ", ", ", "; also ", " plus ", ", and ", " as well as ", ". Also ",
         " together with ", ", then ", " or "]
CLOSINGS = ["", "", "", "", ".", ".", " with the program.", " for peer support.",
            " got in the way.", " made the difference.", " was the issue for me.",
            " mattered most.", ", to be honest.", " when I needed it.",
            " decided whether I used it at all.", " in our department."]
#: the share of answers that mention one word of another theme in passing
CROSS_TALK = 0.2
#: the share of very short answers (one of the theme's words alone)
SHORT = 0.12
NOISE = ["n/a", "none", "-", "no", "N/A", "nothing", "no comment", "?"]


@dataclass(frozen=True)
class Answer:
    respondent: str
    text: str
    #: the theme it was drawn from (``None`` for noise, which has no words to compare)
    theme: str | None


def corpus(n: int = 420, *, seed: int = 12, noise: int = 0, themes: Sequence[str] = (),
           short: float = SHORT, cross_talk: float = CROSS_TALK) -> list[Answer]:
    """``n`` themed answers (themes in turn, so each of the six has n/6) and ``noise`` answers
    with no theme, shuffled; respondents R0001…. ``themes``: the themes to draw from, by name
    (default: the six of :data:`THEMES`); ``short``: the share of one-word answers;
    ``cross_talk``: the share that mention another theme's word in passing."""
    rng = random.Random(seed)
    names = list(themes) or list(THEMES)
    unknown = [t for t in names if t not in ALL_THEMES]
    if unknown or len(set(names)) < 2 or len(set(names)) != len(names):
        raise ValueError(f"themes: two or more different names from {list(ALL_THEMES)}")
    drawn: list[tuple[str, str | None]] = []
    for i in range(n):
        theme = names[i % len(names)]
        if rng.random() < short:  # very short: one of its words alone
            text = rng.choice(ALL_THEMES[theme])
        else:
            words = rng.sample(ALL_THEMES[theme], rng.choice((2, 2, 3, 4)))
            if rng.random() < cross_talk:  # one word of another theme in passing
                other = rng.choice([t for t in names if t != theme])
                words[-1] = rng.choice(ALL_THEMES[other])
            text = words[0] + "".join(rng.choice(JOINS) + w for w in words[1:])
            text = rng.choice(OPENINGS) + text + rng.choice(CLOSINGS)
        drawn.append((text[0].upper() + text[1:], theme))
    drawn += [(rng.choice(NOISE), None) for _ in range(noise)]
    rng.shuffle(drawn)
    return [Answer(f"R{i + 1:04d}", text, theme) for i, (text, theme) in enumerate(drawn)]


def csv_text(answers: list[Answer], *, question: str = "barriers") -> str:
    """The corpus as a survey export: id, site (A/B by turn), the answers."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "site", question])
    for i, a in enumerate(answers):
        writer.writerow([a.respondent, "AB"[i % 2], a.text])
    return out.getvalue()
