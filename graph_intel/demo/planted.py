"""The truths the demo's story (scale 0) plants, as data: tests of the analyses assert these exactly.

Each constant says which rule makes it true. The rules are those of the issues (4: groups and
contacts; 5: safeguarding workflows; 2/7: loading). Where a rule needed a reading, the reading used
is stated here so that an implementation can be checked against it. Counts that are mere
bookkeeping (rows per file) are derived from story.py; the analytic truths are stated by hand and
cross-checked against the rows by a plain reference computation in tests/test_demo_data.py.
"""

from __future__ import annotations

from datetime import date

from graph_intel.demo import story

# --- loading (issues 2 and 7) -------------------------------------------------------------------
# Data rows written per file at scale 0, good and bad (header excluded).
ROWS: dict[str, int] = {name: len(rows) for name, rows in story.ROWS_BY_FILE.items()}
# Rows a loader must quarantine: a person without person_id, link kind 'knows_of', event start
# '31/02/2011', a call whose duration_s is 'about 5 mins'.
BAD_ROWS: dict[str, int] = {"persons.csv": 1, "links.csv": 1, "events.csv": 1, "calls.csv": 1}
# Entities after ingest of scale 0: persons with an id; distinct E.164 numbers in any file (every
# number an intel report names also appears in a structured file); distinct normalised VRMs;
# locations.csv rows; events = events.csv good rows (46) + one per good call (23) + one per ANPR
# read (14); sources = sources.csv rows + the dataset's default source `_default`.
ENTITY_COUNTS: dict[str, int] = {
    "persons": 37,
    "phones": 34,
    "vehicles": 6,
    "locations": 10,
    "events": 83,
    "sources": 12,
}

# --- linked groups (issue 4.1) ------------------------------------------------------------------
# Connected sets of 2+ adults (category != child) joined by a shared phone/vehicle/home, a
# family/associate/partner link, a call between their phones, one's number in the other's seized
# handset, or being together at the same event; never through a child, a child's phone or home
# (L6 is C7's home), a public place (hotel L2, takeaway L3), a notice, a missing episode or a
# source. The 10-adult group is one connected set (under the 25-adult split threshold): the taxi
# side A1-A5 and the house side A6-A9 are joined only through the broker A10.
GROUPS: list[frozenset[str]] = [
    frozenset({"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"}),
    frozenset({"A11", "A12", "A13", "A14"}),
    frozenset({"A15", "A16", "A17"}),
    frozenset({"A18", "A19"}),
]
# Adults that belong to no group: linked only to children (A20 calls C1; A21 seen with C2; A24 and
# A25 each seen with C4 at the hotel on different days; A26), only to public places (A22, A23 both
# frequent L2 and L3), only to a child's home (A27, A28 live at C7's home), or to nothing (A29).
UNGROUPED_ADULTS: frozenset[str] = frozenset(
    {"A20", "A21", "A22", "A23", "A24", "A25", "A26", "A27", "A28", "A29"}
)

# --- shared contacts (issue 4.2) ----------------------------------------------------------------
# Adults in evidential contact with 2+ children: calls between their phones, being at the same
# (non-notice, non-missing) event - a person there, or the adult's vehicle there - a number in the
# other's examined handset, or a person-to-person link.
ADULTS_WITH_CHILDREN: dict[str, frozenset[str]] = {
    "A26": frozenset({"C1", "C3", "C6"}),  # calls C1, C1's and C3's handsets, E3 with C1+C6, E8 C3
    "A15": frozenset({"C2", "C5", "C8"}),  # E5 with C2+C8, calls C5
    "A11": frozenset({"C3", "C5", "C6"}),  # E4 with C3+C5, E11 with C6
    "A12": frozenset({"C3", "C5"}),  # E4 with C3+C5, calls C3, his car picks C3 up (E14)
    "A16": frozenset({"C2", "C8"}),  # E5 with C2+C8
}
# Numbers saved in 2+ examined handsets: E.164 -> (exhibits, names saved).
NUMBERS_IN_HANDSETS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "+447700900210": (frozenset({"JB/1", "SW/2"}), frozenset({"Taz", "Tazz"})),  # A10
    "+447700900226": (frozenset({"SW/2", "SW/4"}), frozenset({"J", "Uncle J"})),  # A26
}
# Phones, vehicles and addresses (lives_at) used by 2+ persons: uses_phone, keeper_of/drives,
# lives_at. Reading: `frequents` of a public place is not "an address used", so L2/L3 are absent.
SHARED_OBJECTS: dict[tuple[str, str], frozenset[str]] = {
    ("phone", "+447700900123"): frozenset({"A7", "A8"}),
    ("vehicle", "HX59TXK"): frozenset({"A1", "A2"}),
    ("vehicle", "AB12CDE"): frozenset({"A12", "A13"}),
    ("location", "L7"): frozenset({"A6", "A7"}),
    ("location", "L8"): frozenset({"A18", "A19"}),
    ("location", "L1"): frozenset({"C3", "C4", "C5"}),
    ("location", "L6"): frozenset({"C7", "A27", "A28"}),
}

# --- key players (issue 4.3) --------------------------------------------------------------------
# The broker: highest betweenness among adults (in the adult joining graph) and the one adult whose
# removal splits a group into two parts (A1-A5 and A6-A9), i.e. bridges 2 groups.
BROKER: str = "A10"
BROKER_BRIDGES: tuple[frozenset[str], frozenset[str]] = (
    frozenset({"A1", "A2", "A3", "A4", "A5"}),
    frozenset({"A6", "A7", "A8", "A9"}),
)

# --- evidence path (issue 4.4) ------------------------------------------------------------------
# Shortest chain C1 -> A8 in the POLE graph (events are nodes; a call is an event between two
# phones; provenance is never a path): 6 hops, e.g. C1-E2-A6-L7(lives_at)-A7-07700 900123-A8, or
# C1-phone-SW/2-A10's phone-JB/1-07700 900123-A8 (the same length).
EVIDENCE_PATH: tuple[tuple[str, str], tuple[str, str], int] = (
    ("person", "C1"),
    ("person", "A8"),
    6,
)

# --- hotspots (issue 4.5) -----------------------------------------------------------------------
# Locations ranked by distinct children at events there (then adults, then events); the hotel
# leads on all three, the takeaway is second on all three. Counts: (children, adults, events).
HOTSPOT_TOP: list[str] = ["L2", "L3"]
HOTSPOT_COUNTS: dict[str, tuple[int, int, int]] = {"L2": (6, 9, 7), "L3": (5, 3, 4)}

# --- co-location (issue 4.6) --------------------------------------------------------------------
# Pairs read by the same camera within 10 minutes on 3+ separate occasions (ANPR); no pair of
# persons is together at one place within 10 minutes on 3+ occasions.
COLOCATION_WINDOW_MINUTES: int = 10
COLOCATED_PAIRS: set[frozenset[str]] = {frozenset({"HX59TXK", "KM08RLW"})}
# Together once only (and 45 minutes apart another time): must not count as repeated.
COLOCATED_ONCE: set[frozenset[str]] = {frozenset({"AB12CDE", "BD57NVO"})}

# --- missing-episode triggers (issue 5.1) -------------------------------------------------------
# At AS_OF (end of day): three_working_days = 72+ hours elapsed on weekdays that are not England &
# Wales bank holidays (C3: 76 h; C4's 70 h would be 94 h only if May Day 2010 counted; C8's is 71 h);
# four_in_one_month = 4 starts within one calendar month of a start (C5; C8's 4th is a month + 1
# day after its 1st); six_in_two_months = 6 starts within two calendar months of a start (C6, never
# 4 in one month). C1's last episode is still running at AS_OF (51 working hours: no rule).
AS_OF: date = date(2011, 7, 8)
MISSING_TRIGGERS: dict[str, set[str]] = {
    "C3": {"three_working_days"},
    "C5": {"four_in_one_month"},
    "C6": {"six_in_two_months"},
}
MISSING_EPISODES: dict[str, int] = {
    "C1": 3,
    "C2": 1,
    "C3": 2,
    "C4": 1,
    "C5": 4,
    "C6": 6,
    "C7": 1,
    "C8": 5,
}  # C7: E39, with C5
MISSING_ONGOING: dict[str, str] = {"C1": "E32"}
MISSING_NEAR_MISSES: frozenset[str] = frozenset({"C4", "C8"})

# --- CAWN eligibility (issue 5.2) ---------------------------------------------------------------
# Eligible on a date: age < 16 -> under_16; 16-17 and care_order / interim_care_order /
# emergency_protection_order / police_protection -> in_care_under_18. Age at the date from DOB.
# C2 turns 16 on 2011-06-20 (no status): eligible the day before, not on the day. On 2010-06-01
# every child is under 16 (C3, C4, C5 included).
_ALL_UNDER_16 = {c: "under_16" for c in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")}
_MID_2011 = {
    "C1": "under_16",
    "C3": "in_care_under_18",
    "C5": "in_care_under_18",
    "C6": "under_16",
    "C7": "under_16",
    "C8": "under_16",
}
CAWN_ELIGIBLE_ON: dict[date, dict[str, str]] = {
    date(2010, 6, 1): _ALL_UNDER_16,
    date(2011, 6, 19): {**_MID_2011, "C2": "under_16"},
    date(2011, 6, 20): dict(_MID_2011),
    date(2011, 7, 8): dict(_MID_2011),
}
# 16-17 and accommodated under s20: not covered (listed with --all). C2 from 2011-06-20 is simply
# not eligible (16, no status) and is not listed here.
NOT_COVERED: dict[date, dict[str, str]] = {
    date(2010, 6, 1): {},
    date(2011, 6, 19): {"C4": "accommodated_s20_not_covered"},
    date(2011, 6, 20): {"C4": "accommodated_s20_not_covered"},
    date(2011, 7, 8): {"C4": "accommodated_s20_not_covered"},
}

# --- notices and breaches (issue 5.4) -----------------------------------------------------------
# cawn_served events: (adult, child) -> (event id, served at).
CAWN_SERVED: dict[tuple[str, str], tuple[str, str]] = {
    ("A26", "C1"): ("E21", "2010-11-15T18:00:00"),
    ("A3", "C2"): ("E22", "2011-03-01T17:30:00"),
    ("A12", "C3"): ("E23", "2011-04-04T19:00:00"),
}
# Contact evidence dated after serving (calls between their phones, sightings together, pickups in
# the adult's vehicle): the times of each piece. A3/C2 had contact only before: no breach. Handset
# entries are undated (their source was recorded 2010-11-01, before every notice).
BREACHES: dict[tuple[str, str], frozenset[str]] = {
    ("A26", "C1"): frozenset({"2010-12-03T22:14:00", "2011-01-09T23:02:00", "2011-02-11T22:40:00"}),
    ("A12", "C3"): frozenset({"2011-05-20T22:15:00"}),
}

# --- chronology (issue 5.6) ---------------------------------------------------------------------
# Reading: a concern is an event about the child of kind sighting, incident, missing_episode or
# arrest; a flag is two or more agencies' concerns within 30 days with no referral or
# strategy_meeting about the child in the 30 days after the later one. Only C7 is flagged
# (education 2010-10-05, health 2010-10-21, nothing after). C8's education/youth-offending/police
# concerns are followed by a referral (E19, 2011-03-04), so C8 is not flagged.
CHRONOLOGY_FLAGS: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "C7": [("2010-10-05", "2010-10-21", frozenset({"education", "health"}))],
}
CHRONOLOGY_NOT_FLAGGED: frozenset[str] = frozenset({"C8"})

# --- free-text intelligence (issue 7.1) ---------------------------------------------------------
# The identifiers each report's text really names; everything else that looks like a number
# (dates 02/09/09, times 23:40, money £150, crime ref 13/123456/10, CRI-2010-0078455, log
# 2011/06/0231, ext. 4471) must not be extracted as a phone, VRM or postcode.
REPORT_NUMBERS: dict[str, frozenset[str]] = {
    "R1": frozenset({"+447700900201"}),
    "R2": frozenset({"+447700900226"}),
    "R3": frozenset({"+447700900101", "+447700900226"}),
    "R4": frozenset({"+447700900123"}),
    "R5": frozenset({"+441134960512"}),
    "R6": frozenset({"+447700900229"}),
}
REPORT_VRMS: dict[str, frozenset[str]] = {
    "R1": frozenset({"HX59TXK"}),
    "R2": frozenset({"LS11WOB"}),
    "R5": frozenset({"KM08RLW"}),
}
REPORT_POSTCODES: dict[str, frozenset[str]] = {
    "R2": frozenset({"LS6 2QT"}),
    "R4": frozenset({"HX1 1AA"}),
    "R5": frozenset({"HX1 2BQ"}),
}

# --- the safeguarding record (issue 19) -----------------------------------------------------------
# Judged on RECORDS_ON. C1's record reads as the review does: the police asked for a child
# protection conference (RF3, 14 Feb) and nobody replied or held one; the school referred the
# cannabis find (RF1, 28 Mar) with no record of receipt; the youth worker's CSE referral (RF2) was
# refused on 6 Apr for "no new information" while health (ambulance HA1, sexual health HA2) and the
# youth project (gifts G1, G2 from A1) had recorded new concerns within 30 days; C1's attendance fell
# from 84% to 37%, recorded as "temporarily absent" (SR2). C3's high-risk review (RA2, 10 Jan) was due
# on 10 Mar; C8 was 12 when assessed (RA3) and no referral to children's social care is recorded; C5
# went missing on 30 Mar with no assessment. Each produces exactly these prompts and nothing else.
RECORDS_ON = "2011-04-20"
REFERRAL_PROMPTS: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("C1", "RF3", "unanswered"),
        ("C1", "RF3", "meeting_not_held"),
        ("C1", "RF1", "unanswered"),
        ("C1", "RF2", "refused_no_new_information"),
    }
)
#: The new information RF2's refusal passed over.
REFUSAL_NEW_INFORMATION: frozenset[str] = frozenset({"HA1", "HA2", "G1", "G2"})
RISK_PROMPTS: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("C1", "attendance_drop", "SR2"),
        ("C3", "review_overdue", "RA2"),
        ("C8", "under_13_not_referred", "RA3"),
        ("C5", "missing_without_assessment", "E40"),
    }
)
# Child-side facts of the graph (safeguarding/child_side.py), among the risk prompts on RECORDS_ON:
# C5 is found with a second phone, 07700 900135, on 2 April 2011 (new_phone: the phone id); C7 went
# missing with C5 on 19 March 2011, one episode (E39) naming both (missing_together: each child's
# own episode, naming the other child).
CHILD_SIDE_PROMPTS: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("C5", "new_phone", "+447700900135"),
        ("C5", "missing_together", "E39"),
        ("C7", "missing_together", "E39"),
    }
)
