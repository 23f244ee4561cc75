"""A survey-shaped project for the laptop-screen tests and screenshots.

The department survey's shape: long numbered question texts ("Q14. Please share any
comments about the POST program, …"), a five-option checkbox group, a Likert item,
attributes, long multi-sentence answers, three coders with codings and a round.
Small (twelve respondents), written here so nothing outside the repository is needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from post_coder.coding.codebook import add_code, find_code
from post_coder.coding.coders import ensure_coder
from post_coder.coding.codings import apply_code
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import ReadScope, ResponseQuery, response_ids
from post_coder.team.rounds import create_round

Q14 = ("Q14. Please share any comments about the POST program, its impact on you or your "
       "department, or barriers to using it.")
Q15 = "Q15. What would make the POST program more useful to you or your colleagues?"
BARRIERS = ("Privacy concerns", "Lack of time", "Not knowing whom to call",
            "Stigma, or fear of it", "Other")
HEADER = ["ResponseID", "Department", "Role", "Years in practice",
          "Q5. How satisfied are you with the POST program overall?",
          *[f"Q13. Which of these kept you from using POST? [{b}]" for b in BARRIERS], Q14, Q15]
ANSWERS = [
    ("Emergency", "Attending", "11-20", "Very satisfied", "1,,,,",
     "The peer call came at exactly the right time after a hard week on nights. I did not "
     "expect to talk for an hour, but the supporter had been through a similar case and "
     "knew what to ask. It changed how I think about asking for help after a bad outcome.",
     "More supporters who work nights, and a way to book a call without going through the "
     "department office."),
    ("Surgery", "Resident", "1-5", "Satisfied", ",1,,1,",
     "Hard to find the time during rotations. When I finally called, the conversation "
     "helped, but I worry that people will hear about it; privacy matters a lot here.",
     "Protected time in the schedule, and reassurance that nothing goes into our files."),
    ("Internal Medicine", "Attending", "More than 20", "Neutral", ",,1,,",
     "I did not know whom to call until a colleague mentioned the program to me months "
     "after the event. The department should tell new staff about POST on their first day.",
     "A short card with the number on every unit."),
    ("Pediatrics", "Fellow", "6-10", "Very satisfied", ",,,,",
     "My department started group debriefs after two deaths in the same week; the peer "
     "supporters joined and it made a real difference to how the team coped and talked.",
     "Keep the group debriefs going, and include nurses and respiratory therapists."),
    ("Emergency", "Resident", "1-5", "Dissatisfied", ",1,,1,1",
     "Stigma is still real. Some senior staff joke about people who need support, so I "
     "would rather call someone outside the department. Time is the other barrier.",
     "Senior staff using it openly would help more than any poster."),
    ("Anesthesia", "Attending", "11-20", "Satisfied", "1,,,,",
     "Privacy concerns kept me away at first: the call was easy, the paperwork afterwards "
     "was not. The supporter was kind and followed up a week later, which I appreciated.",
     "No paperwork at all, and supporters from another hospital for small departments."),
    ("Surgery", "Attending", "More than 20", "Neutral", ",1,,,",
     "Nothing changed for me but colleagues liked it. I think it helps the younger staff "
     "more than people who have been here for twenty years and have their own ways.",
     "Evening call times."),
    ("Internal Medicine", "Resident", "Less than 1", "Very satisfied", ",,1,,",
     "I would not have stayed in residency without it. After a patient died on my first "
     "rotation my peer supporter checked in every week for a month, and helped me sleep.",
     "Tell every resident about it at orientation, not only in an e-mail."),
    ("Pediatrics", "Attending", "6-10", "Satisfied", ",,,1,",
     "Stigma again: people assume you are not coping if you call. The program is good but "
     "the culture around it has to change first, starting with the department chiefs.",
     "Chiefs talking about their own calls at grand rounds."),
    ("Emergency", "Fellow", "1-5", "Satisfied", ",1,,,",
     "The timing of calls is hard with shift work; most offers of a call came while I was "
     "asleep after a night. A text first, then a call at a time I choose, would work.",
     "Let us choose the time of the call by text message."),
    ("Anesthesia", "Resident", "1-5", "Dissatisfied", "1,,1,,",
     "I did not know whom to call, and when I found out I worried about privacy because "
     "the supporter was in my own department. Someone from elsewhere would be better.",
     "Supporters from outside my own department."),
    ("Surgery", "Fellow", "11-20", "Very satisfied", ",,,,",
     "It had a big impact on our department: people talk about bad outcomes more openly "
     "now, and the morbidity rounds feel less like a trial than they did two years ago.",
     "More of the same, and some data on how many of us used it each year."),
]
CODERS = (("Maya Chen", "MC"), ("Luis Ortega", "LO"), ("Ana Souza", "AS"))
CODES = ("Privacy", "Time", "Stigma", "Awareness", "Timing of calls", "Department culture",
         "Positive impact")
#: (respondent row, code, coder) — a little of everything, so the grid has codes to show
CODINGS = ((0, "Positive impact", 0), (0, "Timing of calls", 1), (1, "Time", 0),
           (1, "Privacy", 1), (1, "Privacy", 2), (2, "Awareness", 0), (3, "Positive impact", 2),
           (4, "Stigma", 0), (4, "Time", 1), (4, "Department culture", 2), (5, "Privacy", 0),
           (7, "Positive impact", 1), (8, "Stigma", 2), (9, "Timing of calls", 0))


def write_survey_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n, (dept, role, years, q5, boxes, q14, q15) in enumerate(ANSWERS, start=1):
            writer.writerow([f"R_{n:03d}", dept, role, years, q5, *boxes.split(","), q14, q15])
    return path


def build_survey_project(path: Path) -> Project:
    """A new project at ``path`` holding the survey, three coders, codings and a round."""
    project = Project.create(path, name="POST department survey 2025")
    plan = inspect_file(write_survey_csv(path.with_name("department_survey.csv")))
    plan = plan.with_mapping(id_column="ResponseID", open_ended=[Q14, Q15],
                             attributes=[c.name for c in plan.columns
                                         if c.name not in ("ResponseID", Q14, Q15)])
    import_survey(project, plan, name="department_survey")
    coders = [ensure_coder(project, name, initials=initials) for name, initials in CODERS]
    for name in CODES:
        add_code(project, name)
    codes = {name: find_code(project, name).id for name in CODES}
    q14_ids = response_ids(project, ReadScope.everyone(), ResponseQuery())
    for row, code, coder in CODINGS:
        apply_code(project, q14_ids[row * 2], codes[code], coders[coder])
    create_round(project, "Pilot round", coders, blind=True)
    return project
